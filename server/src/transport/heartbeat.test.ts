import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, STEP_MS, type HeartbeatPeer } from './heartbeat.js';

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
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads the pings evenly over the interval, so no moment of it holds the relay', () => {
    const peers = new Set(Array.from({ length: 1_000 }, () => new FakePeer()));
    const pinged = () => [...peers].filter((p) => p.pings > 0).length;
    const heartbeat = new Heartbeat(1_000, peers);
    heartbeat.start();
    vi.advanceTimersByTime(STEP_MS);
    // One step's share: 1,000 peers over 20 steps.
    expect(pinged()).toBe(50);
    vi.advanceTimersByTime(500 - STEP_MS);
    expect(pinged()).toBe(500);
    vi.advanceTimersByTime(500);
    expect(pinged()).toBe(1_000);
    // The next interval pings each of them once more, never twice.
    for (const peer of peers) peer.bytesRead += 6;
    vi.advanceTimersByTime(1_000);
    heartbeat.stop();
    expect([...peers].every((p) => p.pings === 2)).toBe(true);
  });

  it('skips a peer that left before its turn, holding nothing of it', () => {
    const peers = new Set(Array.from({ length: 100 }, () => new FakePeer()));
    const leaving = [...peers].slice(60, 80);
    const heartbeat = new Heartbeat(1_000, peers);
    heartbeat.start();
    vi.advanceTimersByTime(500);
    for (const peer of leaving) peers.delete(peer);
    vi.advanceTimersByTime(500);
    heartbeat.stop();
    expect(leaving.every((p) => p.pings === 0)).toBe(true);
    expect([...peers].every((p) => p.pings === 1)).toBe(true);
  });

  it('checks a peer that joined mid-sweep in the next one', () => {
    const peers = new Set(Array.from({ length: 100 }, () => new FakePeer()));
    const heartbeat = new Heartbeat(1_000, peers);
    heartbeat.start();
    vi.advanceTimersByTime(500);
    const late = new FakePeer();
    peers.add(late);
    vi.advanceTimersByTime(500);
    expect(late.pings).toBe(0);
    vi.advanceTimersByTime(1_000);
    heartbeat.stop();
    expect(late.pings).toBe(1);
  });
});
