import type { CallInfo, Callback, ClientFrame, ErrorCode, IceServer } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallHost } from '../core/call-host.js';
import { Emitter } from '../core/emitter.js';
import type { CallEvent, WidgetEvents } from '../core/widget-events.js';
import { FakePeer, FakeStream } from '../testing/fake-media.js';
import { Calls, mishapOf, startCall } from './call.js';

// happy-dom has no microphone and no WebRTC: the flow runs on stand-ins that record what it asks.
const media = vi.hoisted(() => ({ peers: [] as unknown[], mic: null as null | (() => Promise<unknown>) }));
vi.mock('./media.js', () => ({
  openMic: () => media.mic!(),
  newPeer: (servers: IceServer[]) => {
    const peer = new FakePeer(servers);
    media.peers.push(peer);
    return peer;
  },
}));

let sent: ClientFrame[];
let events: CallEvent[];
let opened: number;
let host: { language: 'en' | 'ko'; active: string | null; agentsOnline: number; layer: HTMLElement; socket: { send(f: ClientFrame): boolean }; events: Emitter<WidgetEvents> };
let root: ShadowRoot;
let slot: HTMLElement;
let calls: Calls;
let stream: FakeStream;

function boot(fields: Partial<typeof host> = {}): Calls {
  const element = document.createElement('div');
  document.body.append(element);
  root = element.attachShadow({ mode: 'open' });
  const layer = document.createElement('div');
  slot = document.createElement('div');
  const panel = document.createElement('section');
  panel.className = 'root';
  panel.append(slot);
  root.append(panel, layer);
  const emitter = new Emitter<WidgetEvents>();
  emitter.on('call', (e) => events.push(e));
  host = { language: 'en', active: 'c1', agentsOnline: 1, layer, socket: { send: (f) => (sent.push(f), true) }, events: emitter, ...fields };
  calls = startCall(host as unknown as CallHost, () => opened++) as Calls;
  calls.place(slot);
  return calls;
}

beforeEach(() => {
  sent = [];
  events = [];
  opened = 0;
  media.peers = [];
  stream = new FakeStream();
  media.mic = () => Promise.resolve(stream);
  Object.defineProperty(navigator, 'language', { value: 'en-GB', configurable: true });
});

afterEach(() => {
  calls.stop();
  document.body.replaceChildren();
  vi.useRealTimers();
});

/** Lets promise chains, Preact and focus moves settle: one task. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Resolves once `check` holds, re-checking after each task. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 100) throw new Error('timed out');
    await settle();
  }
}

const q = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
const button = (name: string) => [...root.querySelectorAll('button')].find((b) => b.textContent === name || b.getAttribute('aria-label') === name);
const press = (name: string) => {
  const found = button(name);
  if (!found) throw new Error(`no button ${name}: ${root.innerHTML}`);
  found.click();
};
const peer = () => media.peers[media.peers.length - 1] as FakePeer;
const last = <T extends ClientFrame['type']>(type: T) => sent.filter((f) => f.type === type).pop() as Extract<ClientFrame, { type: T }> | undefined;
const field = (label: string) => {
  const labelled = [...root.querySelectorAll('label')].find((l) => l.textContent === label);
  return labelled && root.getElementById(labelled.htmlFor)!;
};

function info(fields: Partial<CallInfo> = {}): CallInfo {
  return {
    callId: 'call-0001', conversationId: 'c1', caller: 'agent', phase: 'ringing', agentId: 'a1', agentName: 'Mina',
    startedAt: 1, answeredAt: null, endedAt: null, endReason: null, endedBy: null, mine: false, ...fields,
  };
}

function callback(fields: Partial<Callback> = {}): Callback {
  return {
    id: 'cb1', conversationId: 'c1', visitorId: 'v1', phone: '+442071234567', window: null, note: null,
    status: 'requested', agentId: null, agentName: null, createdAt: 1, updatedAt: 1, ...fields,
  };
}

/** Starts an outgoing call and returns its id. */
async function callOut(): Promise<string> {
  boot();
  calls.start();
  const callId = last('call.start')!.callId;
  calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', mine: true, agentId: null, agentName: null }) });
  await settle();
  return callId;
}

/** Connects the outgoing call as the relay and the browser would. */
async function connect(callId: string): Promise<void> {
  calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', phase: 'connecting', mine: true, answeredAt: 2 }) });
  calls.take({ type: 'call.ice', callId, iceServers: [{ urls: ['stun:stun.example.com'] }] });
  await until(() => last('call.signal')?.signal.kind === 'offer');
  calls.take({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'remote-answer' } });
  await until(() => peer().remoteDescription !== null);
  peer().state('connected');
  calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', phase: 'active', mine: true, answeredAt: 2 }) });
  await settle();
}

describe('the visitor calls', () => {
  it('starts a call in the conversation on screen and shows it ringing, with Cancel call', async () => {
    const callId = await callOut();
    expect(last('call.start')).toEqual({ type: 'call.start', conversationId: 'c1', callId });
    expect(callId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(q('[role=status]')!.textContent).toBe('Calling…');
    expect(button('Cancel call')).toBeDefined();
    expect(events).toEqual([{ phase: 'ringing', caller: 'visitor' }]);
  });

  it('cancels while it rings: call.end cancelled, and the microphone is released', async () => {
    const callId = await callOut();
    press('Cancel call');
    expect(last('call.end')).toEqual({ type: 'call.end', callId, reason: 'cancelled' });
    await until(() => stream.track.stopped);
    expect(q('[role=status]')).toBeNull();
    expect(root.textContent).not.toContain('Request a callback');
  });

  it('offers once connecting, reports the media connected, and shows the call with its timer', async () => {
    const callId = await callOut();
    calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', phase: 'connecting', mine: true }) });
    await settle();
    const region = q('[role=region]')!;
    expect(region.getAttribute('aria-label')).toBe('Call');
    expect(region.textContent).toContain('Connecting…');
    await connect(callId);
    expect(peer().iceServers).toEqual([{ urls: ['stun:stun.example.com'] }]);
    expect(last('call.connected')).toEqual({ type: 'call.connected', callId });
    expect(q('[role=timer]')!.textContent).toBe('0:00');
    expect(button('Mute')!.getAttribute('aria-pressed')).toBe('false');
    expect(events.map((e) => e.phase)).toEqual(['ringing', 'connecting', 'active']);
  });

  it('trickles its ICE candidates to the other participant only through call.signal', async () => {
    const callId = await callOut();
    await connect(callId);
    peer().onicecandidate?.({ candidate: { candidate: 'candidate:9', sdpMid: '0', sdpMLineIndex: 0 } });
    expect(last('call.signal')).toEqual({ type: 'call.signal', callId, signal: { kind: 'ice', candidate: 'candidate:9', sdpMid: '0', sdpMLineIndex: 0 } });
    // Signals for another call are not ours to apply.
    calls.take({ type: 'call.signal', callId: 'someone-else', signal: { kind: 'offer', sdp: 'x' } });
    await settle();
    expect(peer().remoteDescription).toEqual({ type: 'answer', sdp: 'remote-answer' });
  });

  it('mutes by sending no audio track, and unmutes', async () => {
    await connect(await callOut());
    const sender = peer().senders[0]!;
    press('Mute');
    await until(() => sender.track === null);
    expect(button('Mute')!.getAttribute('aria-pressed')).toBe('true');
    press('Mute');
    await until(() => sender.track === stream.track);
    expect(button('Mute')!.getAttribute('aria-pressed')).toBe('false');
  });

  it('hangs up: call.end hangup, the peer connection closed and the microphone stopped', async () => {
    const callId = await callOut();
    await connect(callId);
    press('Hang up');
    expect(last('call.end')).toEqual({ type: 'call.end', callId, reason: 'hangup' });
    expect(peer().closed).toBe(true);
    await until(() => stream.track.stopped);
    expect(q('[role=region]')).toBeNull();
    expect(events.pop()).toEqual({ phase: 'ended', caller: 'visitor', reason: 'hangup' });
  });

  it('releases everything when the other side ends the call', async () => {
    const callId = await callOut();
    await connect(callId);
    calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', phase: 'ended', mine: true, endReason: 'hangup', endedBy: 'agent' }) });
    expect(peer().closed).toBe(true);
    await until(() => stream.track.stopped);
    expect(last('call.end')).toBeUndefined();
  });

  it('counts the call time and grades the connection from its stats every two seconds', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    await connect(await callOut());
    peer().stats = [{ type: 'inbound-rtp', kind: 'audio', packetsLost: 0, packetsReceived: 100 }];
    await vi.advanceTimersByTimeAsync(2000);
    peer().stats = [
      { type: 'inbound-rtp', kind: 'audio', packetsLost: 30, packetsReceived: 200 },
      { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.05 },
    ];
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(root.textContent).toContain('Poor connection');
    expect(q('[role=timer]')!.textContent).toBe('0:05');
  });

  it('ends the call as failed when ICE fails, says so and offers a callback', async () => {
    const callId = await callOut();
    await connect(callId);
    peer().state('failed');
    expect(last('call.end')).toEqual({ type: 'call.end', callId, reason: 'failed' });
    await settle();
    expect(root.textContent).toContain('The call could not connect.');
    expect(button('Request a callback')).toBeDefined();
  });

  it('ends the call for a refused or missing microphone with no-microphone, in plain words', async () => {
    media.mic = () => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    boot();
    calls.start();
    const callId = last('call.start')!.callId;
    await until(() => last('call.end') !== undefined);
    expect(last('call.end')).toEqual({ type: 'call.end', callId, reason: 'no-microphone' });
    await settle();
    expect(root.textContent).toContain('We could not use your microphone.');
    press('Request a callback');
    await settle();
    expect(q('form')!.getAttribute('aria-label')).toBe('Request a callback');
  });

  it('ends an accepted call as no-microphone when the refusal comes after the relay moved the call on', async () => {
    let refuse: (error: Error) => void = () => undefined;
    media.mic = () => new Promise((_, reject) => (refuse = reject));
    boot();
    calls.take({ type: 'call.state', call: info() });
    await settle();
    press('Accept');
    calls.take({ type: 'call.state', call: info({ phase: 'connecting', mine: true, answeredAt: 2 }) });
    await settle();
    refuse(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    await until(() => last('call.end') !== undefined);
    expect(last('call.end')).toEqual({ type: 'call.end', callId: 'call-0001', reason: 'no-microphone' });
    await settle();
    expect(root.textContent).toContain('We could not use your microphone.');
  });

  it('says nobody could answer when the call was missed, and the line can be dismissed', async () => {
    const callId = await callOut();
    calls.take({ type: 'call.state', call: info({ callId, caller: 'visitor', phase: 'ended', mine: true, endReason: 'missed' }) });
    await settle();
    expect(root.textContent).toContain('Nobody could answer just now.');
    expect(events.pop()).toEqual({ phase: 'ended', caller: 'visitor', reason: 'missed' });
    press('Dismiss');
    await settle();
    expect(root.textContent).toBe('');
  });

  it('ends a call that a reconnect welcome no longer lists as cut off', async () => {
    const callId = await callOut();
    await connect(callId);
    calls.take({ type: 'welcome', v: 1, role: 'visitor', conversations: [], serverTime: Date.now() });
    expect(peer().closed).toBe(true);
    await settle();
    expect(root.textContent).toContain('The call was cut off.');
  });

  it('shows a refused call.start as a failed call', async () => {
    await callOut();
    calls.take({ type: 'error', code: 'call_not_found', message: 'No such call', ref: 'call.start' });
    await settle();
    expect(root.textContent).toContain('The call could not connect.');
    await until(() => stream.track.stopped);
  });

  it('says a call could not connect while offline, without ringing or asking for the microphone', async () => {
    let asked = 0;
    media.mic = () => (asked++, Promise.resolve(stream));
    boot({ socket: { send: () => false } });
    calls.start();
    await settle();
    expect(asked).toBe(0);
    expect(events).toEqual([]);
    expect(root.textContent).toContain('The call could not connect.');
  });

  it('ends a call it has no media for (the page loaded anew) once the relay would connect it', async () => {
    boot();
    const call = info({ callId: 'call-0002', caller: 'visitor', mine: true, agentId: null, agentName: null });
    calls.take({ type: 'welcome', v: 1, role: 'visitor', conversations: [], calls: [call], serverTime: Date.now() });
    await settle();
    expect(button('Cancel call')).toBeDefined();
    calls.take({ type: 'call.state', call: { ...call, phase: 'connecting' } });
    calls.take({ type: 'call.ice', callId: 'call-0002', iceServers: [] });
    expect(last('call.end')).toEqual({ type: 'call.end', callId: 'call-0002', reason: 'failed' });
    expect(media.peers).toHaveLength(0);
  });

  it('times a call the welcome finds active from when it was answered, on the relay clock', async () => {
    boot();
    const serverTime = Date.now() - 60_000;
    const call = info({ callId: 'call-0003', phase: 'active', mine: true, answeredAt: serverTime - 75_000 });
    calls.take({ type: 'welcome', v: 1, role: 'visitor', conversations: [], calls: [call], serverTime });
    await settle();
    expect(q('[role=timer]')!.textContent).toBe('1:15');
    expect(button('Hang up')).toBeDefined();
  });

  it('moves the call to a bar outside the closed panel, and back', async () => {
    await connect(await callOut());
    calls.place(null);
    const region = q('[role=region]')!;
    expect(region.closest('.call-float')!.parentNode).toBe(root);
    calls.place(slot);
    expect(q('[role=region]')!.closest('section')).not.toBeNull();
  });
});

describe('an agent calls', () => {
  it('rings in an alertdialog named after the agent, opening the panel', async () => {
    boot();
    calls.take({ type: 'call.state', call: info() });
    await settle();
    const dialog = q('[role=alertdialog]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Mina is calling');
    expect([...dialog.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Accept', 'Decline']);
    expect(opened).toBe(1);
    expect(root.activeElement).toBe(dialog);
    expect(events).toEqual([{ phase: 'ringing', caller: 'agent' }]);
  });

  it('rings at once and every three seconds until answered', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const tones: number[] = [];
    // WebAudio is not in happy-dom: a stand-in that counts the tones the ring starts.
    vi.stubGlobal(
      'AudioContext',
      class {
        currentTime = 0;
        destination = {};
        resume = () => Promise.resolve();
        createGain = () => ({ gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (to: unknown) => to });
        createOscillator = () => ({ frequency: { value: 0 }, connect: (to: unknown) => to, start: () => tones.push(1), stop() {} });
      },
    );
    boot();
    calls.take({ type: 'call.state', call: info() });
    await settle();
    const afterFirst = tones.length;
    expect(afterFirst).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(tones.length).toBe(2 * afterFirst);
    press('Accept');
    calls.take({ type: 'call.state', call: info({ phase: 'connecting', mine: true, answeredAt: 2 }) });
    await vi.advanceTimersByTimeAsync(6000);
    expect(tones.length).toBe(2 * afterFirst);
    vi.unstubAllGlobals();
  });

  it('accepts, asks for the microphone, and answers the offer', async () => {
    boot();
    calls.take({ type: 'call.state', call: info() });
    await settle();
    press('Accept');
    expect(last('call.accept')).toEqual({ type: 'call.accept', callId: 'call-0001' });
    calls.take({ type: 'call.state', call: info({ phase: 'connecting', mine: true, answeredAt: 2 }) });
    calls.take({ type: 'call.ice', callId: 'call-0001', iceServers: [] });
    calls.take({ type: 'call.signal', callId: 'call-0001', signal: { kind: 'offer', sdp: 'agent-offer' } });
    await until(() => last('call.signal') !== undefined);
    expect(last('call.signal')!.signal).toEqual({ kind: 'answer', sdp: 'answer-sdp' });
    expect(q('[role=region]')!.getAttribute('aria-label')).toBe('Call');
  });

  it('declines: call.decline, and nothing more to show', async () => {
    boot();
    calls.take({ type: 'call.state', call: info() });
    await settle();
    press('Decline');
    expect(last('call.decline')).toEqual({ type: 'call.decline', callId: 'call-0001' });
    await settle();
    expect(root.textContent).toBe('');
    expect(media.peers).toHaveLength(0);
  });

  it('stops ringing when another tab of the visitor answered', async () => {
    boot();
    calls.take({ type: 'call.state', call: info() });
    calls.take({ type: 'call.state', call: info({ phase: 'connecting', mine: false }) });
    await settle();
    expect(q('[role=alertdialog]')).toBeNull();
    expect(root.textContent).toBe('');
  });

  it('shows a call missed here with a callback offer', async () => {
    boot();
    calls.take({ type: 'call.state', call: info() });
    calls.take({ type: 'call.state', call: info({ phase: 'ended', endReason: 'missed' }) });
    await settle();
    expect(root.textContent).toContain('You missed a call.');
    expect(button('Request a callback')).toBeDefined();
  });
});

/** Submits the open form with a number and answers it with a refusal of `code`; returns the words shown. */
async function refusedWith(code: ErrorCode): Promise<{ text: string; invalid: string | null; number: string }> {
  (field(host.language === 'ko' ? '전화번호' : 'Phone number') as HTMLInputElement).value = '+44 20 7123 4567';
  q<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  // The relay's words are English and meant for developers: never shown as they are.
  calls.take({ type: 'error', code, message: `The relay's own words for ${code}.`, ref: last('callback.request')!.clientId });
  await settle();
  const phone = field(host.language === 'ko' ? '전화번호' : 'Phone number') as HTMLInputElement;
  return { text: q('#pc-error')!.textContent!, invalid: phone.getAttribute('aria-invalid'), number: phone.value };
}

describe('callback requests', () => {
  it('opens the callback form instead of calling while no agent is online', async () => {
    boot({ agentsOnline: 0 });
    calls.start();
    await settle();
    expect(last('call.start')).toBeUndefined();
    const form = q('form')!;
    expect(form.getAttribute('aria-label')).toBe('Request a callback');
    expect(field('Phone number')!.tagName).toBe('INPUT');
    expect(field('Note (optional)')!.tagName).toBe('TEXTAREA');
    const when = field('When') as HTMLSelectElement;
    expect([...when.options].map((o) => o.textContent).slice(0, 2)).toEqual(['As soon as possible', 'In the next 2 hours']);
    expect(root.activeElement).toBe(field('Phone number'));
    expect(button('Request callback')).toBeDefined();
  });

  it('sends the number, the chosen window, the note and the country of the browser language', async () => {
    boot({ agentsOnline: 0 });
    calls.start();
    await settle();
    (field('Phone number') as HTMLInputElement).value = ' 020 7123 4567 ';
    (field('When') as HTMLSelectElement).value = 'soon';
    (field('Note (optional)') as HTMLTextAreaElement).value = 'About my order';
    const before = Date.now();
    q<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    const request = last('callback.request')!;
    expect(request).toMatchObject({ conversationId: 'c1', phone: '020 7123 4567', country: 'GB', note: 'About my order' });
    expect(request.clientId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(request.window!.from).toBeGreaterThanOrEqual(before);
    expect(request.window!.to - request.window!.from).toBe(2 * 3_600_000);
  });

  it('shows a refused number next to the field, then the request status once accepted', async () => {
    boot({ agentsOnline: 0, active: null });
    calls.start();
    await settle();
    (field('Phone number') as HTMLInputElement).value = '12';
    q<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    const first = last('callback.request')!;
    expect(first.conversationId).toBeUndefined();
    calls.take({ type: 'error', code: 'phone_invalid', message: 'the relay says so', ref: first.clientId });
    await settle();
    const phone = field('Phone number')!;
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    expect(root.getElementById(phone.getAttribute('aria-describedby')!)!.textContent).toBe(
      'That phone number is not valid. Include the country code, e.g. +44 20 7123 4567.',
    );
    (phone as HTMLInputElement).value = '+44 20 7123 4567';
    q<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(last('callback.request')!.clientId).not.toBe(first.clientId);
    calls.take({ type: 'callback.updated', callback: callback() });
    await settle();
    expect(q('form')).toBeNull();
    expect(q('[role=status]')!.textContent).toBe('Callback requested');
    calls.take({ type: 'callback.updated', callback: callback({ status: 'claimed', agentName: 'Mina' }) });
    await settle();
    expect(q('[role=status]')!.textContent).toBe('An agent will call you back');
    calls.take({ type: 'callback.updated', callback: callback({ status: 'unreachable' }) });
    await settle();
    expect(q('[role=status]')!.textContent).toBe('We could not reach you');
  });

  it("shows a refused request in the widget's own words, keeping what the visitor typed", async () => {
    boot({ agentsOnline: 0 });
    calls.start();
    await settle();
    expect(await refusedWith('unavailable')).toEqual({
      text: 'We cannot take your request just now. Please try again in a few seconds.',
      invalid: 'false',
      number: '+44 20 7123 4567',
    });
    expect((await refusedWith('rate_limited')).text).toBe('That is as many callback requests as we can take for now. An agent will see the ones you made.');
    expect((await refusedWith('internal')).text).toBe('Your request could not be sent. Please try again.');
    expect((await refusedWith('forbidden')).text).toBe('Your request could not be sent. Please try again.');
  });

  it('shows the status of a request the welcome lists', async () => {
    boot();
    calls.take({ type: 'welcome', v: 1, role: 'visitor', conversations: [], callbacks: [callback({ status: 'claimed' })], serverTime: Date.now() });
    await settle();
    expect(q('[role=status]')!.textContent).toBe('An agent will call you back');
    calls.take({ type: 'callback.updated', callback: callback({ status: 'done' }) });
    await settle();
    expect(q('[role=status]')!.textContent).toBe('Callback done');
  });

  it('shows nothing but a call while the panel is closed', async () => {
    boot({ agentsOnline: 0 });
    calls.start();
    calls.place(null);
    await settle();
    expect(q('form')).toBeNull();
  });
});

describe('Korean', () => {
  it('speaks Korean in the call, the prompt and the form', async () => {
    boot({ language: 'ko' });
    calls.take({ type: 'call.state', call: info() });
    await settle();
    expect(q('[role=alertdialog]')!.getAttribute('aria-label')).toBe('Mina님이 전화를 걸고 있습니다');
    expect(button('받기')).toBeDefined();
    press('거절');
    calls.start();
    await settle();
    expect(q('[role=status]')!.textContent).toBe('전화 거는 중…');
  });

  it('words a refused callback request in Korean', async () => {
    boot({ language: 'ko', agentsOnline: 0 });
    calls.start();
    await settle();
    expect((await refusedWith('unavailable')).text).toBe('지금은 요청을 받을 수 없습니다. 잠시 후 다시 시도해 주세요.');
    expect(await refusedWith('phone_invalid')).toMatchObject({ text: '올바른 전화번호가 아닙니다. 국가 번호를 포함해 주세요(예: +82 2 1234 5678).', invalid: 'true' });
    expect((await refusedWith('rate_limited')).text).toBe('지금은 콜백을 더 요청할 수 없습니다. 이미 요청하신 내용은 상담원이 확인합니다.');
    expect((await refusedWith('internal')).text).toBe('요청을 보내지 못했습니다. 다시 시도해 주세요.');
  });
});

describe('mishapOf', () => {
  it('words only the endings the visitor did not choose', () => {
    const ended = (fields: Partial<CallInfo>) => mishapOf(info({ phase: 'ended', ...fields }));
    expect(ended({ endReason: 'hangup' })).toBeNull();
    expect(ended({ endReason: 'cancelled' })).toBeNull();
    expect(ended({ endReason: 'declined', endedBy: 'visitor' })).toBeNull();
    expect(ended({ endReason: 'declined', endedBy: 'agent', caller: 'visitor' })).toBe('nobody');
    expect(ended({ endReason: 'missed', caller: 'visitor' })).toBe('nobody');
    expect(ended({ endReason: 'missed', caller: 'agent' })).toBe('missed');
    expect(ended({ endReason: 'no-microphone', endedBy: 'visitor' })).toBe('mic');
    expect(ended({ endReason: 'no-microphone', endedBy: 'agent' })).toBe('failed');
    expect(ended({ endReason: 'failed' })).toBe('failed');
    expect(ended({ endReason: 'disconnected' })).toBe('lost');
  });
});
