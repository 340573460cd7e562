import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS } from './harness/console-app.js';
import {
  AGENT_NAME,
  bothShow,
  CALL_TIMEOUT_MS,
  callbackForm,
  callingStatus,
  callRegion,
  callStates,
  callVisitorButton,
  incomingCall,
  requestCallbackButton,
  startCallConversation,
  visitorStartsCall,
} from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';

/** Short enough for a quick test, long enough for both sides to show the ringing first (the call chunk loads on the first ring, on a busy machine too). */
const RING_MS = 5_000;

const e2e = useCallE2E({ relayArgs: ['--call-ring-ms', String(RING_MS)] });

describe('missed call', () => {
  it('ends a call nobody answers as missed on both sides and offers the visitor a callback', async () => {
    const { visitor, agent } = await startCallConversation(e2e());

    await visitorStartsCall(visitor.page);
    await callingStatus(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await incomingCall(agent.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    const rangAt = Date.now();

    await bothShow(visitor.page, agent.page, 'Missed call');
    await incomingCall(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callingStatus(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await requestCallbackButton(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    // It rang for the relay's ring time (less what passed before the dialog showed), not less.
    expect(Date.now() - rangAt).toBeGreaterThan(RING_MS / 2);
    expect(callStates(visitor.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'missed', endedBy: null });
    await callRegion(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callRegion(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });

    // The offer leads to the callback form.
    await requestCallbackButton(visitor.page).click();
    await callbackForm(visitor.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
  });

  it('ends an agent call the visitor does not answer as missed on both sides', async () => {
    const { visitor, agent } = await startCallConversation(e2e());

    await callVisitorButton(agent.page).click({ timeout: CONSOLE_TIMEOUT_MS });
    await callingStatus(agent.page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
    await incomingCall(visitor.page, `${AGENT_NAME} is calling`).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });

    await bothShow(visitor.page, agent.page, 'Missed call');
    await incomingCall(visitor.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    await callingStatus(agent.page).waitFor({ state: 'hidden', timeout: CALL_TIMEOUT_MS });
    expect(callStates(agent.frames).at(-1)).toMatchObject({ phase: 'ended', endReason: 'missed' });
    await expect.poll(() => callVisitorButton(agent.page).isEnabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
  });
});
