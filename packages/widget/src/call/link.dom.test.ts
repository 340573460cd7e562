import type { CallSignal, IceServer } from '@parley/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePeer, FakeStream } from '../testing/fake-media.js';
import { Link } from './link.js';

const peers = vi.hoisted(() => [] as unknown[]);
vi.mock('./media.js', () => ({
  openMic: () => Promise.reject(new Error('not used here')),
  newPeer: (servers: IceServer[]) => {
    const peer = new FakePeer(servers);
    peers.push(peer);
    return peer;
  },
}));

let signals: CallSignal[];
let events: string[];
let waiters: (() => void)[];

function link(mic: Promise<unknown> = Promise.resolve(new FakeStream())): Link {
  const wake = () => waiters.splice(0).forEach((w) => w());
  return new Link(mic as Promise<MediaStream>, document.createElement('audio'), {
    signal: (s) => (signals.push(s), wake()),
    connected: () => (events.push('connected'), wake()),
    failed: () => (events.push('failed'), wake()),
  });
}

/** Resolves once `check` holds, re-checking after each signal or event and each task. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 200) throw new Error('timed out');
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 0);
    });
  }
}

const peer = () => peers[peers.length - 1] as FakePeer;
const servers: IceServer[] = [{ urls: ['turn:turn.example.com'], username: '1:call', credential: 'secret' }];

beforeEach(() => {
  peers.length = 0;
  signals = [];
  events = [];
  waiters = [];
});

describe('Link', () => {
  it('offers with the microphone track once the ICE servers arrive, when this side called', async () => {
    const l = link();
    l.open(servers, true);
    await until(() => signals.length === 1);
    expect(peer().iceServers).toEqual(servers);
    expect(peer().senders).toHaveLength(1);
    expect(signals).toEqual([{ kind: 'offer', sdp: 'offer-sdp' }]);
  });

  it('answers an offer, and holds candidates that arrive before it', async () => {
    const l = link();
    const candidate: CallSignal = { kind: 'ice', candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    l.take(candidate);
    l.open(servers, false);
    l.take({ kind: 'offer', sdp: 'remote-offer' });
    await until(() => signals.length === 1);
    expect(signals).toEqual([{ kind: 'answer', sdp: 'answer-sdp' }]);
    expect(peer().remoteDescription).toEqual({ type: 'offer', sdp: 'remote-offer' });
    expect(peer().candidates).toEqual([{ candidate: candidate.candidate, sdpMid: '0', sdpMLineIndex: 0 }]);
    expect(events).toEqual([]);
  });

  it('trickles its own candidates and reports the connection state', async () => {
    const l = link();
    l.open(servers, false);
    peer().onicecandidate?.({ candidate: { candidate: 'candidate:2', sdpMid: '0', sdpMLineIndex: 0 } });
    peer().onicecandidate?.({ candidate: null });
    expect(signals).toEqual([{ kind: 'ice', candidate: 'candidate:2', sdpMid: '0', sdpMLineIndex: 0 }]);
    peer().state('connected');
    peer().state('failed');
    expect(events).toEqual(['connected', 'failed']);
  });

  it('mutes by sending no track at all, and unmutes with the microphone track', async () => {
    const stream = new FakeStream();
    const l = link(Promise.resolve(stream));
    l.mute(true);
    l.open(servers, true);
    await until(() => signals.length === 1);
    const sender = peer().senders[0]!;
    await until(() => sender.track === null);
    l.mute(false);
    await until(() => sender.track === stream.track);
  });

  it('closes the connection and stops the microphone, even one granted after the end', async () => {
    let grant: (stream: FakeStream) => void = () => undefined;
    const l = link(new Promise((resolve) => (grant = resolve)));
    l.open(servers, true);
    l.close();
    expect(peer().closed).toBe(true);
    const stream = new FakeStream();
    grant(stream);
    await until(() => stream.track.stopped);
  });
});
