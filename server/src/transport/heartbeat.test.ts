import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, type HeartbeatPeer } from './heartbeat.js';

/** A peer whose received byte count the test moves by hand. */
class FakePeer implements HeartbeatPeer {
  bytesRead = 200;
  heardBytes = 0;
  quietTicks = 0;
  pings = 0;
  terminated = false;

  ping(): void {
    this.pings++;
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
});
