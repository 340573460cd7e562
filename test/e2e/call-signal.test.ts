import { describe, expect, it } from 'vitest';
import type { CallSignalFrame } from '@parley/protocol';
import { visitorSays } from './harness/cobrowse.js';
import { framesOfType, isError, rawAgent, rawVisitor, type RawClient } from './harness/cobrowse-wire.js';
import { expectRising, lastCallId, startCallConversation, visitorCallAnswered } from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { openWidget } from './harness/widget.js';

const e2e = useCallE2E();

/** An offer and an ICE candidate, each carrying `marker` so a forwarded copy can be recognised. */
function forgedSignals(callId: string, marker: string): CallSignalFrame[] {
  return [
    { type: 'call.signal', callId, signal: { kind: 'offer', sdp: `v=0\r\no=- 1 1 IN IP4 203.0.113.7\r\ns=${marker}\r\nt=0 0\r\n` } },
    {
      type: 'call.signal',
      callId,
      signal: { kind: 'ice', candidate: `candidate:1 1 udp 2122260223 203.0.113.7 40000 typ host ufrag ${marker}`, sdpMid: '0', sdpMLineIndex: 0 },
    },
  ] satisfies CallSignalFrame[];
}

/** Sends the forged signals from `client` and waits for one `call_not_found` per frame. */
async function expectRefused(client: RawClient, callId: string, marker: string): Promise<void> {
  const frames = forgedSignals(callId, marker);
  for (const frame of frames) client.send(frame);
  await expect.poll(() => client.frames.filter(isError('call_not_found')).length, { timeout: 10_000 }).toBe(frames.length);
}

describe('call signalling', () => {
  it('refuses call.signal from connections that are not the call participants and forwards none of it', async () => {
    const env = e2e();
    const conversation = await startCallConversation(env);
    const { visitor, agent } = conversation;
    await visitorCallAnswered(conversation);
    const callId = lastCallId(visitor.frames);
    expect(lastCallId(agent.frames)).toBe(callId);

    // Another visitor, with a conversation of their own.
    const stranger = await env.visitor();
    await stranger.page.goto(env.host.page('/stranger', hostPage(env.relay.origin)));
    await openWidget(stranger.page);
    await visitorSays(stranger.page, 'I am someone else');

    const marker = (label: string): string => unique(label).replace(/ /g, '-');
    const markers = { agent: marker('forged-by-agent'), otherTab: marker('forged-by-other-tab'), stranger: marker('forged-by-stranger') };
    const clients: RawClient[] = [];
    try {
      // The same admin on another connection: not the participant connection.
      const agentSocket = await rawAgent(env.relay);
      clients.push(agentSocket);
      await expectRefused(agentSocket, callId, markers.agent);
      // The same visitor in another tab: not the participant connection either.
      const otherTab = await rawVisitor(env.relay, visitor.page);
      clients.push(otherTab);
      await expectRefused(otherTab, callId, markers.otherTab);
      // A visitor of another conversation.
      const strangerSocket = await rawVisitor(env.relay, stranger.page);
      clients.push(strangerSocket);
      await expectRefused(strangerSocket, callId, markers.stranger);

      // The call is unharmed: audio still flows both ways (and time passes for any stray forward to land).
      await expectRising(visitor.page, 'bytesReceived');
      await expectRising(agent.page, 'bytesReceived');

      // No participant, and no other connection, received any of it.
      const seen = [...visitor.frames.received, ...agent.frames.received, ...clients.flatMap((client) => client.frames.map((frame) => JSON.stringify(frame)))];
      for (const forged of Object.values(markers)) {
        expect(seen.filter((text) => text.includes(forged))).toEqual([]);
      }
      // What the participants did receive as signals came only from each other: as many as the other sent.
      const toVisitor = framesOfType<CallSignalFrame>(visitor.frames.received, 'call.signal').length;
      const fromAgent = framesOfType<CallSignalFrame>(agent.frames.sent, 'call.signal').length;
      expect(toVisitor).toBe(fromAgent);
      const toAgent = framesOfType<CallSignalFrame>(agent.frames.received, 'call.signal').length;
      const fromVisitor = framesOfType<CallSignalFrame>(visitor.frames.sent, 'call.signal').length;
      expect(toAgent).toBe(fromVisitor);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
