import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, SWEEP_SLICE, type HeartbeatPeer } from './heartbeat.js';

/** A peer whose received byte count the test moves by hand. */
class FakePeer implements HeartbeatPeer {
  bytesRead = 200;
  heardBytes = 0;
  quietTicks = 0;
  pings = 0;
  terminated = false;
  expiresAt: number | undefined = undefined;
  expired = false;

  ping(): void {
    this.pings++;
  }

  expire(): void {
    this.expired = true;
  }

  terminate(): void {
    this.terminated = true;
  }
}

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings a peer that keeps sending and never drops it', () => {
    const peer = new FakePeer();
    const heartbeat = new Heartbeat(100, new Set([peer]));
    heartbeat.start();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(100);
      peer.bytesRead += 6; // its pong
    }
    heartbeat.stop();
    expect(peer.pings).toBe(5);
    expect(peer.terminated).toBe(false);
  });

  it('terminates a peer that sent nothing for two intervals', () => {
    const peer = new FakePeer();
    const heartbeat = new Heartbeat(100, new Set([peer]));
    heartbeat.start();
    vi.advanceTimersByTime(200);
    expect(peer.terminated).toBe(false);
    vi.advanceTimersByTime(100);
    heartbeat.stop();
    expect(peer.terminated).toBe(true);
    expect(peer.pings).toBe(2);
  });

  it('watches peers added to the collection after it started', () => {
    const peers = new Set<FakePeer>();
    const heartbeat = new Heartbeat(100, peers);
    heartbeat.start();
    vi.advanceTimersByTime(100);
    const late = new FakePeer();
    peers.add(late);
    vi.advanceTimersByTime(100);
    heartbeat.stop();
    expect(late.pings).toBe(1);
  });

  it('does not tick when the interval is 0', () => {
    const peer = new FakePeer();
    const heartbeat = new Heartbeat(0, new Set([peer]));
    heartbeat.start();
    vi.advanceTimersByTime(10_000);
    expect(peer.pings).toBe(0);
  });

  it('closes a peer whose token has expired at the next tick, and only that peer', () => {
    let now = 1_000;
    const expiring = Object.assign(new FakePeer(), { expiresAt: 1_150 });
    const lasting = Object.assign(new FakePeer(), { expiresAt: 10_000 });
    const heartbeat = new Heartbeat(100, new Set([expiring, lasting]), () => now);
    heartbeat.start();
    now += 100;
    vi.advanceTimersByTime(100);
    expect(expiring.expired).toBe(false);
    expiring.bytesRead += 6;
    lasting.bytesRead += 6;
    now += 100;
    vi.advanceTimersByTime(100);
    heartbeat.stop();
    expect(expiring.expired).toBe(true);
    expect(expiring.pings).toBe(1);
    expect(lasting.expired).toBe(false);
    expect(lasting.pings).toBe(2);
  });
});

describe('Heartbeat with many peers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings them in slices across turns of the event loop, so one tick never holds the relay', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const peers = new Set(Array.from({ length: SWEEP_SLICE * 3 + 10 }, () => new FakePeer()));
    const pinged = () => [...peers].filter((p) => p.pings > 0).length;
    const heartbeat = new Heartbeat(100, peers);
    heartbeat.start();
    vi.advanceTimersByTime(100);
    // The tick's own turn handled one slice; each later turn handles the next.
    expect(pinged()).toBe(SWEEP_SLICE);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pinged()).toBe(SWEEP_SLICE * 2);
    for (let turn = 0; turn < 5 && pinged() < peers.size; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(pinged()).toBe(peers.size);
    heartbeat.stop();
  });
});
