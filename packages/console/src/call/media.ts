/**
 * The seam between the console's call flow and the browser's WebRTC: the flow asks for the
 * microphone and a peer link through these interfaces only, so it runs in tests with a fake and
 * in the page with `webrtc.ts` (`getUserMedia`, `RTCPeerConnection`).
 */
import type { IceServer } from '@parley/protocol';
import type { StatsSample } from './quality.js';

/** The agent's microphone, once the browser allowed it. */
export interface Microphone {
  /** The captured audio (what the peer link sends). */
  readonly stream: MediaStream;
  /** Releases the device (the browser's recording indicator goes away). */
  stop(): void;
}

/** An ICE candidate as `call.signal` carries it. */
export interface IceCandidateInit {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

/** What a peer link reports. */
export interface CallPeerEvents {
  /** A local ICE candidate to trickle to the other side. */
  onCandidate(candidate: IceCandidateInit): void;
  /** `RTCPeerConnection.connectionState` changed. */
  onConnectionState(state: RTCPeerConnectionState): void;
  /** The other side's audio arrived. */
  onRemoteStream(stream: MediaStream): void;
}

/** One audio link to the other participant. */
export interface CallPeer {
  /** Caller: creates and applies the offer; returns its SDP. */
  makeOffer(): Promise<string>;
  /** Callee: applies the caller's offer, creates and applies the answer; returns its SDP. */
  takeOffer(sdp: string): Promise<string>;
  /** Caller: applies the callee's answer. */
  takeAnswer(sdp: string): Promise<void>;
  /** Adds the other side's ICE candidate (held until the remote description is set). */
  addCandidate(candidate: IceCandidateInit): Promise<void>;
  /** Muted: no audio leaves (the sender's track is removed); unmuted: the track is put back. */
  setMuted(muted: boolean): Promise<void>;
  /** Cumulative receive statistics, or null when none are available yet. */
  sample(): Promise<StatsSample | null>;
  /** Closes the link. The microphone is the caller's to stop. */
  close(): void;
}

/** The browser's media, as the call flow uses it. */
export interface CallMedia {
  /** Asks for the microphone; rejects when it is refused or missing. */
  openMicrophone(): Promise<Microphone>;
  /** Opens a peer link with these ICE servers, sending `microphone`'s audio. */
  createPeer(iceServers: IceServer[], microphone: Microphone, events: CallPeerEvents): CallPeer;
}
