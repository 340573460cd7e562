import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { FanOutPacer } from './fan-out-pacer.js';
import { Registry } from './registry.js';
import { Session } from './session.js';

/** What one recipient was sent: the frame's text, and whether it came as shared bytes equal to it. */
interface Write {
  text: string;
  asBytes: boolean;
}

function recipient(id: string, writes: Write[]): Session {
  return new Session(
    { id, bufferedAmount: 0, closeWith: () => undefined, sendText: (text, bytes) => writes.push({ text, asBytes: bytes?.toString('utf8') === text }) },
    { role: 'agent', agentId: id },
  );
}

function recipients(count: number): { sessions: Session[]; writes: Write[][] } {
  const writes = Array.from({ length: count }, (): Write[] => []);
  return { sessions: writes.map((w, i) => recipient(`a${i}`, w)), writes };
}

/** Resolves after the pacer's turn already scheduled has run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const written = (writes: Write[][]) => writes.filter((w) => w.length > 0).length;

describe('FanOutPacer', () => {
  it('writes a fan-out that fits in one slice at once', () => {
    const pacer = new FanOutPacer(1000);
    const { sessions, writes } = recipients(3);
    pacer.send(sessions, 'x'.repeat(300));
    expect(written(writes)).toBe(3);
    expect(pacer.backlog).toBe(0);
  });

  it('writes a large fan-out a slice per turn, the same bytes to every recipient', async () => {
    const pacer = new FanOutPacer(1000);
    const { sessions, writes } = recipients(10);
    const text = `{"type":"inbox.activity","note":"${'é'.repeat(200)}"}`;
    pacer.send(sessions, text);
    expect(written(writes)).toBe(0);
    expect(pacer.backlog).toBe(Buffer.byteLength(text) * 10);
    await nextTurn();
    // 440 bytes a recipient: a 1,000-byte slice takes three (the last one overdraws it).
    expect(written(writes)).toBe(3);
    await nextTurn();
    expect(written(writes)).toBe(6);
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(Array.from({ length: 10 }, () => [{ text, asBytes: true }]));
    expect(pacer.backlog).toBe(0);
  });

  it('keeps paced frames in order: a small one sent while a large one waits goes after it', async () => {
    const pacer = new FanOutPacer(100);
    const { sessions, writes } = recipients(2);
    pacer.send(sessions, 'a'.repeat(80));
    pacer.send(sessions, 'b');
    expect(written(writes)).toBe(0);
    for (let turn = 0; turn < 4; turn++) await nextTurn();
    for (const w of writes) expect(w.map((one) => one.text[0])).toEqual(['a', 'b']);
  });

  it('writes a backlog past its bound in the next turn, down to the bound', async () => {
    const pacer = new FanOutPacer(100, 1000);
    const { sessions, writes } = recipients(30);
    pacer.send(sessions, 'z'.repeat(100));
    expect(pacer.backlog).toBe(3000);
    await nextTurn();
    expect(pacer.backlog).toBe(1000);
    expect(written(writes)).toBe(20);
  });

  it('drops what waits when closed', async () => {
    const pacer = new FanOutPacer(100);
    const { sessions, writes } = recipients(5);
    pacer.send(sessions, 'q'.repeat(100));
    pacer.close();
    await nextTurn();
    expect(written(writes)).toBe(0);
    expect(pacer.backlog).toBe(0);
  });
});

describe('Registry with paced envelopes', () => {
  it('lets a frame published after a paced fan-out overtake it, each recipient once', async () => {
    const registry = new Registry(new FanOutPacer(1000));
    const frames = Array.from({ length: 8 }, (): ServerFrame[] => []);
    const sessions = frames.map((list, i) => new Session({ id: `s${i}`, bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => list.push(JSON.parse(t) as ServerFrame) }, { role: 'agent', agentId: `s${i}` }));
    for (const session of sessions) {
      registry.join(session, 'agents:site-1');
      registry.join(session, 'admins');
    }
    const activity = { type: 'inbox.activity', conversations: [{ id: 'c1', updatedAt: 5, lastSeq: 3, lastMessage: { text: 'x'.repeat(400), author: 'visitor', at: 5 } }] } satisfies ServerFrame;
    registry.deliver({ topics: ['agents:site-1', 'admins'], frame: activity, paced: true, except: 's7' });
    registry.deliver({ topics: ['admins'], frame: { type: 'pong' } });
    expect(frames.map((list) => list.map((f) => f.type))).toEqual(Array.from({ length: 8 }, () => ['pong']));
    for (let turn = 0; turn < 8; turn++) await nextTurn();
    expect(frames.slice(0, 7).map((list) => list.map((f) => f.type))).toEqual(Array.from({ length: 7 }, () => ['pong', 'inbox.activity']));
    expect(frames[7]!.map((f) => f.type)).toEqual(['pong']);
    expect(frames[0]![1]).toEqual(activity);
    registry.close();
  });

  it('does not serialise a paced frame nobody on this node receives', () => {
    const registry = new Registry(new FanOutPacer(1000));
    const frame = { type: 'pong' } as ServerFrame;
    Object.defineProperty(frame, 'toJSON', { value: () => expect.unreachable('serialised with no recipient') });
    registry.deliver({ topics: ['agents:nobody'], frame, paced: true });
    registry.close();
  });
});
