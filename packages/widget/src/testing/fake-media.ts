/**
 * Stand-ins for the browser's microphone and peer connection, for the call chunk's tests in
 * happy-dom (which has neither). They record what the call flow asks of them; the real WebRTC
 * path runs in Chromium end-to-end tests.
 */
import type { IceServer } from '@parley/protocol';

/** A microphone track that records being stopped. */
export class FakeTrack {
  stopped = false;
  readonly kind = 'audio';
  stop(): void {
    this.stopped = true;
  }
}

/** A microphone stream of one track. */
export class FakeStream {
  readonly track = new FakeTrack();
  getAudioTracks(): FakeTrack[] {
    return [this.track];
  }
  getTracks(): FakeTrack[] {
    return [this.track];
  }
}

/** The sender of the microphone track; `track` is what leaves now (null: nothing). */
export class FakeSender {
  constructor(public track: FakeTrack | null) {}
  async replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
  }
}

/** A peer connection that records descriptions, candidates and closing. */
export class FakePeer {
  connectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  readonly candidates: unknown[] = [];
  readonly senders: FakeSender[] = [];
  closed = false;
  stats: Record<string, unknown>[] = [];
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: { streams: unknown[]; track: unknown }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;

  constructor(readonly iceServers: IceServer[]) {}

  addTrack(track: FakeTrack): FakeSender {
    const sender = new FakeSender(track);
    this.senders.push(sender);
    return sender;
  }
  async setLocalDescription(): Promise<void> {
    const type = this.remoteDescription?.type === 'offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `${type}-sdp` };
  }
  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
  }
  async addIceCandidate(candidate: unknown): Promise<void> {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.candidates.push(candidate);
  }
  async getStats(): Promise<Map<string, unknown>> {
    return new Map(this.stats.map((s, i) => [`s${i}`, s]));
  }
  close(): void {
    this.closed = true;
  }
  /** The browser reports a new connection state. */
  state(state: string): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}
