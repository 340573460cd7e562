import { describe, expect, it } from 'vitest';
import type { CallbackRequestFrame, CallbackUpdatedFrame, ErrorFrame } from '@parley/protocol';
import { CONSOLE_TIMEOUT_MS } from './harness/console-app.js';
import { captureFrames, framesOfType, rawAgent } from './harness/cobrowse-wire.js';
import {
  AGENT_NAME,
  answer,
  bothShow,
  callbackForm,
  CALL_TIMEOUT_MS,
  requestCallbackButton,
  startCallConversation,
  startCallButton,
  visitorStartsCall,
  widgetLine,
} from './harness/call.js';
import { actOnCallback, agentSeesLine, callbacksNav, openCallbacksView, callbackStatus, callbackTask, phoneField, submitCallback } from './harness/callback.js';
import { useCallE2E } from './harness/call-env.js';
import { signInAgent, visitorSays } from './harness/cobrowse.js';
import { hostPage } from './harness/host-page.js';
import { openWidget, WIDGET_TIMEOUT_MS } from './harness/widget.js';

describe('callback request', () => {
  const e2e = useCallE2E();

  it('takes a national number in the browser\'s region after a declined call, and shows the task and its status on both sides', async () => {
    const env = e2e();
    // A British browser: a national number is read as a UK number.
    const british = await env.visitor({ locale: 'en-GB' });
    const { visitor, agent } = await startCallConversation(env, british.page);

    // The agent cannot take the call now; the visitor asks to be called back instead.
    await visitorStartsCall(visitor.page);
    await answer(agent.page, 'Decline');
    await bothShow(visitor.page, agent.page, `${AGENT_NAME} declined the call`);
    await requestCallbackButton(visitor.page).click({ timeout: CALL_TIMEOUT_MS });

    // A number that cannot be right is refused next to the field, and nothing is requested.
    await submitCallback(visitor.page, { phone: '12345' });
    await expect.poll(() => phoneField(visitor.page).getAttribute('aria-invalid'), { timeout: WIDGET_TIMEOUT_MS }).toBe('true');
    await callbackForm(visitor.page).getByText(/not valid/i).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    // The widget did send the request, and the relay refused it: no callback
    // exists, so neither side was told of one.
    const [refused, ...more] = framesOfType<CallbackRequestFrame>(visitor.frames.sent, 'callback.request');
    expect(more).toEqual([]);
    expect(refused).toMatchObject({ phone: '12345' });
    expect(framesOfType<ErrorFrame>(visitor.frames.received, 'error')).toContainEqual(expect.objectContaining({ code: 'phone_invalid', ref: 'callback.request' }));
    expect(framesOfType<CallbackUpdatedFrame>(visitor.frames.received, 'callback.updated')).toEqual([]);
    expect(framesOfType<CallbackUpdatedFrame>(agent.frames.received, 'callback.updated')).toEqual([]);

    await submitCallback(visitor.page, { phone: '020 7946 0958', when: 'In the next 2 hours', note: 'Ask for Sam' });
    await callbackStatus(visitor.page, 'requested').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await bothShow(visitor.page, agent.page, 'The visitor asked to be called back at +44 20 7946 0958');
    const [requested] = framesOfType<CallbackUpdatedFrame>(visitor.frames.received, 'callback.updated');
    expect(requested?.callback).toMatchObject({ phone: '+442079460958', note: 'Ask for Sam', status: 'requested' });
    // "In the next 2 hours", as absolute times: from about now to about two hours from now.
    const window = requested!.callback.window!;
    expect(Math.abs(window.from - Date.now())).toBeLessThan(5 * 60_000);
    expect(Math.abs(window.to - (Date.now() + 2 * 3_600_000))).toBeLessThan(5 * 60_000);

    // The agent's task list: the E.164 number and the note; claim it.
    await openCallbacksView(agent.page, '+442079460958');
    await actOnCallback(agent.page, '+442079460958', 'Claim');
    await expect.poll(() => callbackTask(agent.page, '+442079460958', 'Done').textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toContain('Ask for Sam');
    await callbackStatus(visitor.page, 'claimed').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetLine(visitor.page, `${AGENT_NAME} will call back`).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    // Done.
    await actOnCallback(agent.page, '+442079460958', 'Done');
    await callbackStatus(visitor.page, 'done').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetLine(visitor.page, `${AGENT_NAME} called back`).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await agentSeesLine(agent.page, visitor.page, `${AGENT_NAME} will call back`);
    await agentSeesLine(agent.page, visitor.page, `${AGENT_NAME} called back`);
    expect(framesOfType<CallbackUpdatedFrame>(visitor.frames.received, 'callback.updated').at(-1)?.callback).toMatchObject({
      status: 'done',
      agentName: AGENT_NAME,
    });
  });
});

describe('callback request while no agent is online', () => {
  const e2e = useCallE2E();

  it('opens the callback form from "Start a call" after an offline message, and an agent who signs in later finds the task and marks it unreachable', async () => {
    const env = e2e();
    const { page } = await env.visitor();
    const frames = captureFrames(page);
    await page.goto(env.host.page('/after-hours', hostPage(env.relay.origin)));
    await openWidget(page);
    await visitorSays(page, 'Is anyone there this late?');

    await startCallButton(page).click({ timeout: WIDGET_TIMEOUT_MS });
    await callbackForm(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    expect(framesOfType(frames.sent, 'call.start')).toEqual([]);
    await submitCallback(page, { phone: '+1 213 373 4253' });
    await callbackStatus(page, 'requested').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetLine(page, 'The visitor asked to be called back at +1 213 373 4253').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    // The relay kept it for the agents: the list has it, stored in E.164.
    const socket = await rawAgent(env.relay);
    try {
      socket.send({ type: 'callback.list', filter: 'open' });
      const items = (await socket.waitFor((frame) => frame.type === 'callback.items')) as unknown as { callbacks: { phone: string; status: string }[] };
      expect(items.callbacks).toEqual([expect.objectContaining({ phone: '+12133734253', status: 'requested' })]);
    } finally {
      socket.close();
    }

    const agent = await signInAgent(env.browser, env);
    await expect.poll(() => callbacksNav(agent.page).textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toMatch(/\b1\b/);
    await openCallbacksView(agent.page, '+12133734253');
    await actOnCallback(agent.page, '+12133734253', 'Unreachable');
    await callbackStatus(page, 'unreachable').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetLine(page, `${AGENT_NAME} could not reach the visitor`).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await expect.poll(() => callbacksNav(agent.page).textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toMatch(/^\s*Callbacks\s*0?\s*$/);
  });
});
