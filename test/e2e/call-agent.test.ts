import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS } from './harness/console-app.js';
import {
  AGENT_NAME,
  answer,
  bothShow,
  CALL_ENDED_LINE,
  CALL_TIMEOUT_MS,
  callingStatus,
  callRegion,
  callStates,
  callVisitorButton,
  expectReleased,
  expectRising,
  hangUpButton,
  incomingCall,
  startCallConversation,
  waitForConnectedCall,
} from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';
import { microphoneTracks, peerCount, peerStats } from './harness/call-probe.js';

const e2e = useCallE2E();

describe('agent-started call', () => {
  it('rings the visitor, who declines: both sides say so and nothing connects', async () => {
    const { visitor, agent } = await startCallConversation(e2e());

    await callVisitorButton(agent.page).click({ timeout: CONSOLE_TIMEOUT_MS });
    await callingStatus(agent.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    // While it rings, the agent cannot start a second call.
    await expect.poll(() => callVisitorButton(agent.page).isDisabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
    await answer(visitor.page, 'Decline', `${AGENT_NAME} is calling`);

    await bothShow(visitor.page, agent.page, `${AGENT_NAME} started a call`);
    await bothShow(visitor.page, agent.page, 'The visitor declined the call');
    await incomingCall(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callingStatus(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    // The visitor never answered: it made no peer connection; the agent's, if any, is closed.
    expect(await peerCount(visitor.page)).toBe(0);
    await expect.poll(async () => (await peerStats(agent.page)).filter((pc) => pc.connectionState !== 'closed'), { timeout: CALL_TIMEOUT_MS }).toEqual([]);
    await expect.poll(async () => (await microphoneTracks(agent.page)).filter((track) => track.readyState !== 'ended'), { timeout: CALL_TIMEOUT_MS }).toEqual([]);
    await expect.poll(() => callVisitorButton(agent.page).isEnabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
  });

  it('rings the visitor, who accepts: the call connects with audio both ways and the visitor hangs up', async () => {
    const { visitor, agent } = await startCallConversation(e2e());

    await callVisitorButton(agent.page).click({ timeout: CONSOLE_TIMEOUT_MS });
    await answer(visitor.page, 'Accept', `${AGENT_NAME} is calling`);
    await Promise.all([waitForConnectedCall(visitor.page), waitForConnectedCall(agent.page)]);
    await bothShow(visitor.page, agent.page, `${AGENT_NAME} started a call`);
    await bothShow(visitor.page, agent.page, 'The visitor answered the call');
    await expectRising(visitor.page, 'bytesReceived');
    await expectRising(agent.page, 'bytesReceived');
    expect(await callVisitorButton(agent.page).isDisabled()).toBe(true);

    await hangUpButton(visitor.page).click();
    await expectReleased(visitor.page);
    await expectReleased(agent.page);
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await bothShow(visitor.page, agent.page, CALL_ENDED_LINE);
  });

  it('stops ringing the visitor when the agent cancels, and says so on both sides', async () => {
    const { visitor, agent } = await startCallConversation(e2e());

    await callVisitorButton(agent.page).click({ timeout: CONSOLE_TIMEOUT_MS });
    await incomingCall(visitor.page, `${AGENT_NAME} is calling`).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await agent.page.getByRole('button', { name: 'Cancel call', exact: true }).click();

    await bothShow(visitor.page, agent.page, 'The call was cancelled');
    await incomingCall(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    expect(callStates(visitor.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'agent' });
    expect(await peerCount(visitor.page)).toBe(0);
  });
});
