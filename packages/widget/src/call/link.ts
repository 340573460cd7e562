/**
 * One call's media: the peer connection, the microphone track it sends and the remote audio it
 * plays. The caller offers, the callee answers; ICE candidates trickle both ways. Signalling
 * steps run one after another, none before the connection exists, and candidates wait for the
 * remote description. Closing releases everything: the connection, the microphone, the audio.
 */
import type { CallSignal, IceServer } from '@parley/protocol';
import { newPeer } from './media.js';

/** What a link tells its call. */
export interface LinkEvents {
  /** A signal for the other participant. */
  signal(signal: CallSignal): void;
  /** The media connected (again). */
  connected(): void;
  /** ICE or media could not connect. */
  failed(): void;
}

/** A call's WebRTC audio. */
export class Link {
  /** The peer connection, once the relay sent the ICE servers. */
  pc: RTCPeerConnection | null = null;
  private _sender: RTCRtpSender | null = null;
  private _track: MediaStreamTrack | null = null;
  private _muted = false;
  private readonly _waiting: RTCIceCandidateInit[] = [];
  private _go!: (ready: Promise<unknown>) => void;
  /** The signalling steps, in order; the first waits for `open`. */
  private _steps = new Promise<unknown>((go) => (this._go = go));

  /** `mic` is the microphone asked for at the visitor's press; `audio` plays the other side. */
  constructor(
    private readonly _mic: Promise<MediaStream>,
    private readonly _audio: HTMLAudioElement,
    private readonly _on: LinkEvents,
  ) {}

  /** The relay sent the ICE servers: connect, and offer when this side called. */
  open(iceServers: IceServer[], offer: boolean): void {
    if (this.pc) return;
    const pc = (this.pc = newPeer(iceServers));
    pc.onicecandidate = ({ candidate: c }) => {
      if (c?.candidate) this._on.signal({ kind: 'ice', candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    };
    pc.ontrack = ({ streams, track }) => {
      this._audio.srcObject = streams[0] ?? new MediaStream([track]);
      // Autoplay is allowed: the visitor pressed Start or Accept on this page.
      this._audio.play().catch(() => undefined);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') this._on.connected();
      if (pc.connectionState === 'failed') this._on.failed();
    };
    this._go(
      (async () => {
        const stream = await this._mic;
        this._track = stream.getAudioTracks()[0] ?? null;
        if (this._track) this._sender = pc.addTrack(this._track, stream);
        if (this._muted) this.mute(true);
        if (offer) await this._describe('offer');
      })().catch(() => this._on.failed()),
    );
  }

  /** A signal from the other participant. */
  take(signal: CallSignal): void {
    this._steps = this._steps
      .then(async () => {
        const pc = this.pc!;
        if (signal.kind === 'ice') {
          const { kind: _, ...candidate } = signal;
          return pc.remoteDescription ? pc.addIceCandidate(candidate) : this._waiting.push(candidate);
        }
        await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
        for (const candidate of this._waiting.splice(0)) await pc.addIceCandidate(candidate);
        if (signal.kind === 'offer') await this._describe('answer');
      })
      .catch(() => this._on.failed());
  }

  /** Stops sending audio (no packet carries the microphone), or sends it again. */
  mute(muted: boolean): void {
    this._muted = muted;
    this._sender?.replaceTrack(muted ? null : this._track).catch(() => undefined);
  }

  /** Closes the connection and releases the microphone, now or as soon as it was granted. */
  close(): void {
    this.pc?.close();
    this._mic.then((stream) => stream.getTracks().forEach((t) => t.stop()), () => undefined);
    this._audio.srcObject = null;
  }

  private async _describe(kind: 'offer' | 'answer'): Promise<void> {
    const pc = this.pc!;
    // Without a description, the browser makes the offer or answer the state calls for.
    await pc.setLocalDescription();
    this._on.signal({ kind, sdp: pc.localDescription!.sdp });
  }
}
