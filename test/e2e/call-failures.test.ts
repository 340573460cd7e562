import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  answer,
  bothShow,
  CALL_TIMEOUT_MS,
  callbackForm,
  callRegion,
  callStates,
  consoleLine,
  expectReleased,
  expectRising,
  requestCallbackButton,
  startCallConversation,
  visitorCallAnswered,
  visitorStartsCall,
  widgetLine,
} from './harness/call.js';
import { agentSeesLine } from './harness/callback.js';
import { useCallE2E } from './harness/call-env.js';
import { useUnreachableCallE2E } from './harness/call-failure-env.js';
import { peerStats } from './harness/call-probe.js';
import { signInAgent } from './harness/cobrowse.js';

const LOST_LINE = 'Call ended: the connection was lost';
const FAILED_LINE = 'The call could not connect';

/** Short, so a dropped participant ends the call quickly; long enough to tell it from at once. */
const REJOIN_MS = 2_000;

/**
 * How long ICE may take to give up: Chromium declares a connection whose checks get no answer
 * `failed` about 15 s after checking starts; the call chunk loads and the offer travels first.
 */
const ICE_FAILURE_TIMEOUT_MS = 30_000;

/** The widget's plain words after a call that did not happen or broke (not the timeline's line). */
function widgetWords(page: Page, words: string): Locator {
  return page.getByText(words, { exact: true }).first();
}

describe('call whose peer disconnects', () => {
  const e2e = useCallE2E({ relayArgs: ['--call-rejoin-ms', String(REJOIN_MS)] });

  it('ends a connected call as lost when the agent\'s console closes, releases the visitor\'s media and offers a callback', async () => {
    const env = e2e();
    const { visitor, agent, firstText } = await startCallConversation(env);
    await visitorCallAnswered({ visitor, agent, firstText });
    await expectRising(visitor.page, 'bytesReceived');

    const closedAt = Date.now();
    await agent.context.close();

    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    // The relay waited for the agent to come back before giving up.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(REJOIN_MS / 2);
    expect(callStates(visitor.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'disconnected' });
    await widgetWords(visitor.page, 'The call was cut off.').waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await requestCallbackButton(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await widgetLine(visitor.page, LOST_LINE).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await expectReleased(visitor.page);

    // The agent, back in a new console, finds the same line in the conversation.
    const returning = await signInAgent(env.browser, env);
    await agentSeesLine(returning.page, visitor.page, LOST_LINE);

    await requestCallbackButton(visitor.page).click();
    await callbackForm(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
  });

  it('ends a connected call as lost in the console when the visitor\'s page closes, and releases the agent\'s media', async () => {
    const env = e2e();
    const { visitor, agent, firstText } = await startCallConversation(env);
    await visitorCallAnswered({ visitor, agent, firstText });
    await expectRising(agent.page, 'bytesReceived');

    await visitor.page.context().close();

    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await consoleLine(agent.page, LOST_LINE).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    expect(callStates(agent.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'disconnected' });
    await expectReleased(agent.page);
  });
});

describe('call whose ICE fails', () => {
  const e2e = useUnreachableCallE2E();

  it('ends the call as "could not connect" on both sides, closes both peer connections and offers the visitor a callback', async () => {
    const env = e2e();
    const { visitor, agent } = await startCallConversation(env);

    await visitorStartsCall(visitor.page);
    await answer(agent.page, 'Accept');
    // Both sides really tried: their checks went to the only address they were told of.
    await expect.poll(() => env.stun.swallowed(), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(0);

    await expect.poll(async () => callStates(visitor.frames).at(-1)?.phase, { timeout: ICE_FAILURE_TIMEOUT_MS }).toBe('ended');
    expect(callStates(visitor.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'failed' });
    await bothShow(visitor.page, agent.page, FAILED_LINE);
    await widgetWords(visitor.page, 'The call could not connect.').waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await requestCallbackButton(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    // Neither side ever connected, and neither keeps a connection or a microphone.
    expect(callStates(agent.frames).map((call) => call.phase)).not.toContain('active');
    expect((await peerStats(visitor.page)).length).toBe(1);
    expect((await peerStats(agent.page)).length).toBe(1);
    await expectReleased(visitor.page);
    await expectReleased(agent.page);
  });
});
