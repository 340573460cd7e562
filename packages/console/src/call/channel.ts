/**
 * The session's call side: the agent starts, answers, declines, mutes and ends calls, and the
 * media link follows the relay's frames. Flow for the call this agent takes part in: microphone
 * asked for at once (on start or accept) -> `call.ice` gives the servers -> the peer link opens
 * -> the caller offers, the callee answers, both trickle candidates (`call.signal`) ->
 * `call.connected` once the link connects -> any end closes the link and releases the
 * microphone. Refused or missing microphone ends the call `no-microphone`; a link that fails
 * ends it `failed`.
 */
import type {
  AgentFrame,
  CallAnswerFrame,
  CallConnectedFrame,
  CallEndFrame,
  CallInfo,
  CallSignal,
  CallSignalFrame,
  CallStartFrame,
  IceServer,
  ServerFrame,
} from '@parley/protocol';
import type { Store } from '../store/store.js';
import type { CallMedia, CallPeer, Microphone } from './media.js';
import { judgeQuality, type StatsSample } from './quality.js';
import type { CallQuality } from '../store/state.js';

/** How often the quality hint is refreshed from `getStats()`, in milliseconds. */
export const QUALITY_SAMPLE_MS = 2000;

/** What the console says when the microphone cannot be used. */
export const NO_MICROPHONE_NOTICE = 'The call ended: your microphone could not be used. Allow microphone access for this site, or connect one, and try again.';
/** What the console says when the link could not be made. */
export const FAILED_NOTICE = 'The call could not connect. The network between you and the visitor may block calls.';

/** The call this agent takes part in, with its media. */
interface ActiveCall {
  callId: string;
  conversationId: string;
  /** This agent started it (so it makes the offer). */
  caller: boolean;
  microphone: Microphone | null;
  iceServers: IceServer[] | null;
  peer: CallPeer | null;
  /** Signals that arrived before the link existed, in order. */
  early: CallSignal[];
  /** Signals are applied one after another: an answer must not race its offer. */
  chain: Promise<void>;
  connectedSent: boolean;
  muted: boolean;
  quality: CallQuality | null;
  lastSample: StatsSample | null;
  statsTimer: ReturnType<typeof setInterval> | null;
  remote: MediaStream | null;
}

/** What the channel needs from the session. */
export interface CallChannelOptions {
  send(frame: AgentFrame): boolean;
  store: Store;
  media: CallMedia;
  /** A fresh call id (nanoid in the app). */
  newId(): string;
}

/** The call part of one console session. */
export class CallChannel {
  private readonly options: CallChannelOptions;
  private active: ActiveCall | null = null;
  private audio: HTMLAudioElement | null = null;

  constructor(options: CallChannelOptions) {
    this.options = options;
  }

  /** The id of the call whose media this agent holds, if any. */
  get activeCallId(): string | null {
    return this.active?.callId ?? null;
  }

  /** Rings the visitor of a conversation. Ignored while this agent is in a call. */
  start(conversationId: string): void {
    if (this.active) return;
    const callId = this.options.newId();
    this.begin(callId, conversationId, true);
    this.send({ type: 'call.start', conversationId, callId } satisfies CallStartFrame);
    this.openMicrophone();
  }

  /** Answers a ringing call. */
  accept(callId: string): void {
    const call = this.callById(callId);
    if (!call || this.active) return;
    this.begin(callId, call.conversationId, false);
    this.send({ type: 'call.accept', callId } satisfies CallAnswerFrame);
    this.openMicrophone();
  }

  /** Refuses a ringing call (for this agent only, when it rings for several). */
  decline(callId: string): void {
    this.options.store.dispatch({ kind: 'call-declined', callId });
    this.send({ type: 'call.decline', callId } satisfies CallAnswerFrame);
  }

  /** Hangs up, or cancels a call this agent started that still rings. */
  end(callId: string): void {
    const call = this.callById(callId);
    const ringingOut = call?.phase === 'ringing' && call.caller === 'agent';
    this.send({ type: 'call.end', callId, reason: ringingOut ? 'cancelled' : 'hangup' } satisfies CallEndFrame);
    if (this.active?.callId === callId) this.teardown();
    this.options.store.dispatch({ kind: 'call-left', callId });
  }

  /** Mutes or unmutes the agent's microphone in the call. */
  setMuted(callId: string, muted: boolean): void {
    const a = this.active;
    if (!a || a.callId !== callId || a.muted === muted) return;
    a.muted = muted;
    this.publish();
    if (a.peer) void a.peer.setMuted(muted).catch(() => undefined);
  }

  /** Where the visitor's voice plays (the call bar's audio element); null when it unmounts. */
  attachAudio(element: HTMLAudioElement | null): void {
    if (this.audio && this.audio !== element) this.audio.srcObject = null;
    this.audio = element;
    if (element && this.active?.remote) element.srcObject = this.active.remote;
  }

  /** A relay frame, after the store applied it. */
  route(frame: ServerFrame): void {
    const a = this.active;
    if (!a) return;
    switch (frame.type) {
      case 'call.state':
        if (frame.call.callId !== a.callId) return;
        // Ended, or answered by another agent first: this agent is not in it.
        if (frame.call.phase === 'ended' || (frame.call.phase !== 'ringing' && frame.call.mine === false)) this.teardown();
        else this.publish();
        return;
      case 'welcome':
        // Not listed: the call ended while this console was disconnected. Listed: the audio goes
        // peer to peer, so the link may well have carried on; keep it.
        if (!(frame.calls ?? []).some((c) => c.callId === a.callId && c.phase !== 'ended')) this.teardown();
        return;
      case 'call.ice':
        if (frame.callId !== a.callId) return;
        a.iceServers = frame.iceServers;
        this.connect();
        return;
      case 'call.signal':
        if (frame.callId !== a.callId) return;
        if (a.peer) this.apply(a, frame.signal);
        else a.early.push(frame.signal);
        return;
      case 'error':
        // The start or the answer was refused (busy, already taken, ended): nothing to hold.
        if ((frame.ref === 'call.start' || frame.ref === 'call.accept') && !this.isMine(a.callId)) this.teardown();
        return;
      default:
        return;
    }
  }

  /** The session ends: hang up what is under way and release the media. */
  stop(): void {
    if (this.active) this.end(this.active.callId);
    this.audio = null;
  }

  private begin(callId: string, conversationId: string, caller: boolean): void {
    this.active = {
      callId,
      conversationId,
      caller,
      microphone: null,
      iceServers: null,
      peer: null,
      early: [],
      chain: Promise.resolve(),
      connectedSent: false,
      muted: false,
      quality: null,
      lastSample: null,
      statsTimer: null,
      remote: null,
    };
    this.publish();
  }

  private send(frame: AgentFrame): boolean {
    return this.options.send(frame);
  }

  private callById(callId: string): CallInfo | null {
    return Object.values(this.options.store.getState().calls).find((c) => c.callId === callId) ?? null;
  }

  private isMine(callId: string): boolean {
    return this.callById(callId)?.mine === true;
  }

  private openMicrophone(): void {
    const a = this.active!;
    this.options.media.openMicrophone().then(
      (microphone) => {
        if (this.active !== a) {
          microphone.stop();
          return;
        }
        a.microphone = microphone;
        this.publish();
        this.connect();
      },
      () => {
        if (this.active !== a) return;
        this.leave(a, 'no-microphone', NO_MICROPHONE_NOTICE);
      },
    );
  }

  /** Opens the link once both the microphone and the ICE servers are there. */
  private connect(): void {
    const a = this.active;
    if (!a || !a.microphone || !a.iceServers || a.peer) return;
    let peer: CallPeer;
    try {
      peer = this.options.media.createPeer(a.iceServers, a.microphone, {
        onCandidate: (candidate) => {
          if (this.active === a) this.send({ type: 'call.signal', callId: a.callId, signal: { kind: 'ice', ...candidate } } satisfies CallSignalFrame);
        },
        onConnectionState: (state) => this.peerOnConnectionState(a, state),
        onRemoteStream: (stream) => {
          if (this.active !== a) return;
          a.remote = stream;
          if (this.audio) this.audio.srcObject = stream;
        },
      });
    } catch {
      this.fail(a);
      return;
    }
    a.peer = peer;
    if (a.muted) void peer.setMuted(true).catch(() => undefined);
    if (a.caller) {
      a.chain = a.chain.then(async () => {
        const sdp = await peer.makeOffer();
        if (this.active === a) this.send({ type: 'call.signal', callId: a.callId, signal: { kind: 'offer', sdp } } satisfies CallSignalFrame);
      });
      a.chain.catch(() => this.fail(a));
    }
    for (const signal of a.early.splice(0)) this.apply(a, signal);
    a.statsTimer = setInterval(() => void this.sampleQuality(a), QUALITY_SAMPLE_MS);
  }

  private apply(a: ActiveCall, signal: CallSignal): void {
    const peer = a.peer!;
    a.chain = a.chain.then(async () => {
      if (this.active !== a) return;
      if (signal.kind === 'ice') {
        // One bad candidate is not a failed call: others may still connect.
        await peer.addCandidate({ candidate: signal.candidate, sdpMid: signal.sdpMid, sdpMLineIndex: signal.sdpMLineIndex }).catch(() => undefined);
      } else if (signal.kind === 'offer') {
        const sdp = await peer.takeOffer(signal.sdp);
        if (this.active === a) this.send({ type: 'call.signal', callId: a.callId, signal: { kind: 'answer', sdp } } satisfies CallSignalFrame);
      } else {
        await peer.takeAnswer(signal.sdp);
      }
    });
    a.chain.catch(() => this.fail(a));
  }

  private peerOnConnectionState(a: ActiveCall, state: RTCPeerConnectionState): void {
    if (this.active !== a) return;
    if (state === 'connected' && !a.connectedSent) {
      a.connectedSent = true;
      this.send({ type: 'call.connected', callId: a.callId } satisfies CallConnectedFrame);
    } else if (state === 'failed') {
      this.fail(a);
    }
  }

  private fail(a: ActiveCall): void {
    if (this.active !== a) return;
    this.leave(a, 'failed', FAILED_NOTICE);
  }

  /** Ends the call for everyone because this side cannot go on, and says why. */
  private leave(a: ActiveCall, reason: 'no-microphone' | 'failed', notice: string): void {
    this.send({ type: 'call.end', callId: a.callId, reason } satisfies CallEndFrame);
    this.teardown();
    this.options.store.dispatch({ kind: 'call-left', callId: a.callId });
    this.options.store.dispatch({ kind: 'notice', message: notice });
  }

  private async sampleQuality(a: ActiveCall): Promise<void> {
    if (this.active !== a || !a.peer) return;
    const sample = await a.peer.sample().catch(() => null);
    if (this.active !== a || !sample) return;
    const quality = judgeQuality(a.lastSample, sample);
    a.lastSample = sample;
    if (quality === a.quality) return;
    a.quality = quality;
    this.publish();
  }

  /** Tells the store how the agent's media stands. */
  private publish(): void {
    const a = this.active;
    this.options.store.dispatch({
      kind: 'call-media',
      media: a ? { callId: a.callId, microphone: a.microphone ? 'ready' : 'pending', muted: a.muted, quality: a.quality } : null,
    });
  }

  /** Closes the link, stops the microphone and forgets the call. */
  private teardown(): void {
    const a = this.active;
    if (!a) return;
    this.active = null;
    if (a.statsTimer) clearInterval(a.statsTimer);
    a.peer?.close();
    a.microphone?.stop();
    if (this.audio) this.audio.srcObject = null;
    this.publish();
  }
}
