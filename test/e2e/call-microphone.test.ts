import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS } from './harness/console-app.js';
import {
  AGENT_NAME,
  answer,
  bothShow,
  CALL_TIMEOUT_MS,
  callingStatus,
  callRegion,
  callStates,
  callVisitorButton,
  consoleLine,
  incomingCall,
  microphoneProblem,
  requestCallbackButton,
  startCallConversation,
  visitorStartsCall,
  widgetLine,
} from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';
import { microphoneErrors, microphoneTracks, peerStats } from './harness/call-probe.js';
import { framesOfType } from './harness/cobrowse-wire.js';

const e2e = useCallE2E();

const NO_MICROPHONE_LINE = 'Call ended: no microphone';

describe('call without a microphone', () => {
  it('ends an accepted agent call as "no microphone" on both sides when the visitor refuses the microphone, and offers a callback', async () => {
    const env = e2e();
    const refusing = await env.visitorWith('refused');
    const { visitor, agent } = await startCallConversation(env, refusing.page);

    await callVisitorButton(agent.page).click({ timeout: CONSOLE_TIMEOUT_MS });
    await answer(visitor.page, 'Accept', `${AGENT_NAME} is calling`);

    // The browser really refused (no stub): the widget says so in words and offers a callback.
    await expect.poll(() => microphoneErrors(visitor.page), { timeout: CALL_TIMEOUT_MS }).toContain('NotAllowedError');
    await microphoneProblem(visitor.page).first().waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await requestCallbackButton(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });

    // The agent sees the call end, and nothing of it is left running in the console.
    await bothShow(visitor.page, agent.page, NO_MICROPHONE_LINE);
    expect(callStates(agent.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'no-microphone', endedBy: 'visitor' });
    await callingStatus(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await expect.poll(async () => (await peerStats(agent.page)).filter((pc) => pc.connectionState !== 'closed'), { timeout: CALL_TIMEOUT_MS }).toEqual([]);
    await expect.poll(async () => (await microphoneTracks(agent.page)).filter((track) => track.readyState !== 'ended'), { timeout: CALL_TIMEOUT_MS }).toEqual([]);
    await expect.poll(() => callVisitorButton(agent.page).isEnabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
  });

  it('tells a visitor without a microphone in words and offers a callback; the agent is not left ringing', async () => {
    const env = e2e();
    const deviceless = await env.visitorWith('missing');
    const { visitor, agent } = await startCallConversation(env, deviceless.page);

    await visitorStartsCall(visitor.page);
    await expect.poll(() => microphoneErrors(visitor.page), { timeout: CALL_TIMEOUT_MS }).toContain('NotFoundError');
    await microphoneProblem(visitor.page).first().waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await requestCallbackButton(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });

    // Either the widget asked for the microphone before ringing anyone (no call.start left it),
    // or the call it started ended "no microphone" for both sides. The console rings no more.
    const started = framesOfType<{ type: 'call.start' }>(visitor.frames.sent, 'call.start');
    if (started.length > 0) {
      await bothShow(visitor.page, agent.page, NO_MICROPHONE_LINE);
      expect(callStates(agent.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'no-microphone' });
    } else {
      expect(callStates(agent.frames)).toEqual([]);
      expect(await consoleLine(agent.page, NO_MICROPHONE_LINE).count()).toBe(0);
      expect(await widgetLine(visitor.page, NO_MICROPHONE_LINE).count()).toBe(0);
    }
    await incomingCall(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
  });
});
