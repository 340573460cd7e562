import { describe, expect, it } from 'vitest';
import {
  AGENT_NAME,
  bothShow,
  CALL_ENDED_LINE,
  CALL_TIMEOUT_MS,
  callRegion,
  expectReleased,
  callingStatus,
  expectRising,
  expectStalled,
  hangUpButton,
  incomingCall,
  muteToggle,
  qualityHint,
  startCallConversation,
  visitorCallAnswered,
} from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';
import { peerStats } from './harness/call-probe.js';

const e2e = useCallE2E();

describe('visitor-started call', () => {
  it('rings the console, connects with audio both ways, mutes one direction, and hangs up on both sides', async () => {
    const conversation = await startCallConversation(e2e());
    const visitor = conversation.visitor.page;
    const agent = conversation.agent.page;

    await visitorCallAnswered(conversation).catch(async (error: unknown) => {
      // Say which half was missing when the call never connected.
      const ringing = await callingStatus(visitor).isVisible();
      const dialog = await incomingCall(agent).isVisible();
      throw new Error(`The call did not connect (visitor "Calling…" shown: ${ringing}, console dialog shown: ${dialog}): ${String(error)}`);
    });
    await incomingCall(agent).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await bothShow(visitor, agent, 'The visitor started a call');
    await bothShow(visitor, agent, `${AGENT_NAME} answered the call`);
    await qualityHint(visitor).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await qualityHint(agent).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });

    // Audio arrives on both sides, from one peer connection each.
    await expectRising(visitor, 'bytesReceived');
    await expectRising(agent, 'bytesReceived');
    expect(await peerStats(visitor)).toHaveLength(1);
    expect(await peerStats(agent)).toHaveLength(1);

    // The visitor mutes: nothing leaves the visitor, nothing arrives at the agent; the other way still flows.
    const mute = muteToggle(visitor);
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    await expect.poll(() => mute.getAttribute('aria-pressed'), { timeout: CALL_TIMEOUT_MS }).toBe('true');
    await expectStalled(visitor, 'packetsSent');
    await expectStalled(visitor, 'bytesSent', 0);
    await expectStalled(agent, 'bytesReceived');
    await expectRising(agent, 'bytesSent');
    await expectRising(visitor, 'bytesReceived');

    // Unmuted: the visitor's audio flows again.
    await mute.click();
    await expect.poll(() => mute.getAttribute('aria-pressed'), { timeout: CALL_TIMEOUT_MS }).toBe('false');
    await expectRising(visitor, 'packetsSent');
    await expectRising(agent, 'bytesReceived');

    // The agent hangs up: both peer connections close and both microphones are released.
    await hangUpButton(agent).click();
    await callRegion(agent).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(visitor).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await expectReleased(visitor);
    await expectReleased(agent);
    await bothShow(visitor, agent, CALL_ENDED_LINE);
  });
});
