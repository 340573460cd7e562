/**
 * The browser side of `CallMedia`: the microphone from `getUserMedia`, the link a native
 * `RTCPeerConnection` (audio only). The constructors are looked up when a call starts, not when
 * the bundle loads, so a page (or a test harness) that wraps them is honoured.
 */
import type { IceServer } from '@parley/protocol';
import type { CallMedia, CallPeer, CallPeerEvents, IceCandidateInit, Microphone } from './media.js';
import type { StatsSample } from './quality.js';

/** Thrown when the browser has no way to capture audio (no API, insecure page). */
export class NoMicrophoneError extends Error {
  constructor() {
    super('This browser cannot use a microphone here.');
    this.name = 'NoMicrophoneError';
  }
}

/** The receive side of `getStats()` reduced to what the quality hint needs. */
export function statsSample(report: RTCStatsReport): StatsSample | null {
  let packetsReceived = 0;
  let packetsLost = 0;
  let roundTripTime: number | null = null;
  let remoteLoss: number | null = null;
  let seen = false;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      seen = true;
      packetsReceived += Number(s.packetsReceived ?? 0);
      packetsLost += Number(s.packetsLost ?? 0);
    } else if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') {
      if (typeof s.roundTripTime === 'number') roundTripTime = Math.max(roundTripTime ?? 0, s.roundTripTime);
      if (typeof s.fractionLost === 'number') remoteLoss = s.fractionLost;
    } else if (s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded') {
      if (typeof s.currentRoundTripTime === 'number') roundTripTime = Math.max(roundTripTime ?? 0, s.currentRoundTripTime);
    }
  });
  return seen ? { packetsReceived, packetsLost, roundTripTime, remoteLoss } : null;
}

class BrowserCallPeer implements CallPeer {
  private readonly pc: RTCPeerConnection;
  private readonly track: MediaStreamTrack | null;
  private readonly sender: RTCRtpSender | null;
  /** Candidates that arrived before the remote description: applying them then would fail. */
  private held: IceCandidateInit[] = [];

  constructor(iceServers: IceServer[], microphone: Microphone, events: CallPeerEvents) {
    this.pc = new RTCPeerConnection({ iceServers });
    this.track = microphone.stream.getAudioTracks()[0] ?? null;
    this.sender = this.track ? this.pc.addTrack(this.track, microphone.stream) : null;
    this.pc.onicecandidate = (event) => {
      // The end-of-candidates marker (null or empty) needs no message: the other side copes.
      if (!event.candidate || !event.candidate.candidate) return;
      const c = event.candidate;
      events.onCandidate({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    };
    this.pc.onconnectionstatechange = () => events.onConnectionState(this.pc.connectionState);
    this.pc.ontrack = (event) => events.onRemoteStream(event.streams[0] ?? new MediaStream([event.track]));
  }

  async makeOffer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription?.sdp ?? '';
  }

  async takeOffer(sdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.flushHeld();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription?.sdp ?? '';
  }

  async takeAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    await this.flushHeld();
  }

  async addCandidate(candidate: IceCandidateInit): Promise<void> {
    if (!this.pc.remoteDescription) {
      this.held.push(candidate);
      return;
    }
    await this.pc.addIceCandidate(candidate);
  }

  async setMuted(muted: boolean): Promise<void> {
    await this.sender?.replaceTrack(muted ? null : this.track);
  }

  async sample(): Promise<StatsSample | null> {
    return statsSample(await this.pc.getStats());
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
  }

  private async flushHeld(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const c of held) await this.pc.addIceCandidate(c);
  }
}

/** The console's media in a browser. */
export const browserCallMedia: CallMedia = {
  async openMicrophone(): Promise<Microphone> {
    const devices = globalThis.navigator?.mediaDevices;
    if (!devices?.getUserMedia || typeof RTCPeerConnection !== 'function') throw new NoMicrophoneError();
    const stream = await devices.getUserMedia({ audio: true });
    return {
      stream,
      stop: () => {
        for (const t of stream.getTracks()) t.stop();
      },
    };
  },
  createPeer(iceServers, microphone, events) {
    return new BrowserCallPeer(iceServers, microphone, events);
  },
};
