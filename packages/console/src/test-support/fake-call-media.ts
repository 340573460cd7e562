/**
 * A stand-in for the browser's WebRTC in call tests: a microphone the test allows or refuses,
 * and peer links that record what the call flow asked of them and let the test play the
 * browser's events (candidates, connection state, remote audio, statistics).
 */
import type { IceServer } from '@parley/protocol';
import type { CallMedia, CallPeer, CallPeerEvents, IceCandidateInit, Microphone } from '../call/media.js';
import type { StatsSample } from '../call/quality.js';

/** A microphone the fake handed out. */
export interface FakeMicrophone extends Microphone {
  stopped: boolean;
}

/** A peer link the fake opened. */
export class FakePeer implements CallPeer {
  /** What the flow asked, in order: ['offer'], ['take-offer', sdp], ['candidate', line], ... */
  readonly log: Array<[string, ...unknown[]]> = [];
  muted = false;
  closed = false;
  /** What the next `sample()` returns. */
  stats: StatsSample | null = null;

  constructor(
    readonly iceServers: IceServer[],
    readonly microphone: Microphone,
    readonly events: CallPeerEvents,
  ) {}

  async makeOffer(): Promise<string> {
    this.log.push(['offer']);
    return 'v=0 offer';
  }

  async takeOffer(sdp: string): Promise<string> {
    this.log.push(['take-offer', sdp]);
    return 'v=0 answer';
  }

  async takeAnswer(sdp: string): Promise<void> {
    this.log.push(['take-answer', sdp]);
  }

  async addCandidate(candidate: IceCandidateInit): Promise<void> {
    this.log.push(['candidate', candidate.candidate]);
  }

  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    this.log.push(['muted', muted]);
  }

  async sample(): Promise<StatsSample | null> {
    return this.stats;
  }

  close(): void {
    this.closed = true;
  }
}

/** The fake media: set `refuse` to deny the microphone. */
export class FakeCallMedia implements CallMedia {
  refuse = false;
  readonly microphones: FakeMicrophone[] = [];
  readonly peers: FakePeer[] = [];

  async openMicrophone(): Promise<Microphone> {
    if (this.refuse) throw new DOMException('Permission denied', 'NotAllowedError');
    const mic: FakeMicrophone = {
      stream: { id: `mic-${this.microphones.length}` } as unknown as MediaStream,
      stopped: false,
      stop() {
        mic.stopped = true;
      },
    };
    this.microphones.push(mic);
    return mic;
  }

  createPeer(iceServers: IceServer[], microphone: Microphone, events: CallPeerEvents): CallPeer {
    const peer = new FakePeer(iceServers, microphone, events);
    this.peers.push(peer);
    return peer;
  }

  /** The one peer link opened so far. */
  get peer(): FakePeer {
    if (this.peers.length !== 1) throw new Error(`expected one peer link, found ${this.peers.length}`);
    return this.peers[0]!;
  }
}

/** Lets pending promise callbacks (microphone, offers, answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}
