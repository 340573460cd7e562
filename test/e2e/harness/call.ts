/**
 * Calls on both sides, found by the accessible names in the contracts: the widget's call button,
 * incoming-call dialog, call region and failure line; the console's `Call visitor` button,
 * incoming-call dialog and call bar. {@link startCallConversation} gives a conversation whose two
 * pages are watched (WebRTC probe, WebSocket frames) from before they load.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CallInfo, CallStateFrame } from '@parley/protocol';
import { consoleLog, CONSOLE_TIMEOUT_MS, type ConsoleSession } from './console-app.js';
import { AGENT_NAME, signInAgent } from './cobrowse.js';
import { captureFrames, framesOfType, type FrameLog } from './cobrowse-wire.js';
import type { CallE2E } from './call-env.js';
import { callStats, installCallProbe, microphoneTracks, peerStats, type AudioStats } from './call-probe.js';
import { firstMessage } from './conversation.js';
import { hostPage } from './host-page.js';
import { openWidget, panel, widgetLog, WIDGET_TIMEOUT_MS } from './widget.js';

export { AGENT_NAME };

/** How long a call step may take to show on the other side (chunk load, ICE and DTLS included). */
export const CALL_TIMEOUT_MS = 15_000;

/** A `Call ended · m:ss` timeline line. */
export const CALL_ENDED_LINE = /^Call ended · \d+:\d{2}$/;

/** A timeline line: exact text, or a pattern for lines with a variable part. */
export type Line = string | RegExp;

// ---------------------------------------------------------------------------------------------
// Both sides (the widget and the console use the same names)

/** The incoming-call dialog (`<name> is calling`). */
export function incomingCall(page: Page, name: Line = /is calling$/): Locator {
  return page.getByRole('alertdialog', { name });
}

/** The call region of a connected call. */
export function callRegion(page: Page): Locator {
  return page.getByRole('region', { name: 'Call', exact: true });
}

/** The running duration inside the call region. */
export function callTimer(page: Page): Locator {
  return callRegion(page).getByRole('timer');
}

/** The `Mute` toggle inside the call region. */
export function muteToggle(page: Page): Locator {
  return callRegion(page).getByRole('button', { name: 'Mute', exact: true });
}

/** The `Hang up` button inside the call region. */
export function hangUpButton(page: Page): Locator {
  return callRegion(page).getByRole('button', { name: 'Hang up', exact: true });
}

/** The connection quality hint inside the call region. */
export function qualityHint(page: Page): Locator {
  return callRegion(page).getByText(/^(Good|Weak|Poor) connection$/);
}

/** The ringing-out status (`Calling…`). */
export function callingStatus(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: 'Calling…' });
}

/** Presses `Accept` (or `Decline`) in the incoming-call dialog once it shows. */
export async function answer(page: Page, choice: 'Accept' | 'Decline', name?: Line): Promise<void> {
  const dialog = incomingCall(page, name);
  await dialog.waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
  await dialog.getByRole('button', { name: choice, exact: true }).click();
}

/** Waits until the page shows a connected call whose timer runs. */
export async function waitForConnectedCall(page: Page): Promise<void> {
  await callRegion(page).waitFor({ state: 'visible', timeout: CALL_TIMEOUT_MS });
  const first = await callTimer(page).textContent({ timeout: CALL_TIMEOUT_MS });
  expect(first?.trim()).toMatch(/^\d+:\d{2}$/);
  await expect.poll(async () => (await callTimer(page).textContent())?.trim(), { timeout: CALL_TIMEOUT_MS }).not.toBe(first?.trim());
  expect((await callTimer(page).textContent())?.trim()).toMatch(/^\d+:\d{2}$/);
}

// ---------------------------------------------------------------------------------------------
// Visitor (widget)

/** The panel header's `Start a call` button. */
export function startCallButton(page: Page): Locator {
  return panel(page).getByRole('button', { name: 'Start a call', exact: true });
}

/** Opens the panel if needed and presses `Start a call`. */
export async function visitorStartsCall(page: Page): Promise<void> {
  await openWidget(page);
  await startCallButton(page).click({ timeout: WIDGET_TIMEOUT_MS });
}

/** The `Request a callback` button offered after a call that did not happen. */
export function requestCallbackButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Request a callback', exact: true });
}

/** The callback request form (wherever the widget shows it). */
export function callbackForm(page: Page): Locator {
  return page.getByRole('form', { name: 'Request a callback' });
}

/** The widget's plain-words line about the microphone (not the timeline's `Call ended: no microphone`). */
export function microphoneProblem(page: Page): Locator {
  return page.getByText(/microphone/i).filter({ hasNotText: 'Call ended: no microphone' });
}

// ---------------------------------------------------------------------------------------------
// Agent (console)

/** The conversation header's `Call visitor` button. */
export function callVisitorButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Call visitor', exact: true });
}

// ---------------------------------------------------------------------------------------------
// Timeline

/** The console's timeline line `line` (the last one, when it happened more than once). */
export function consoleLine(page: Page, line: Line): Locator {
  return consoleLog(page).getByText(line, typeof line === 'string' ? { exact: true } : {}).last();
}

/** The widget's timeline line `line` (the last one, when it happened more than once). */
export function widgetLine(page: Page, line: Line): Locator {
  return widgetLog(page).getByText(line, typeof line === 'string' ? { exact: true } : {}).last();
}

/** Both sides show the timeline line `line`. */
export async function bothShow(visitor: Page, agent: Page, line: Line): Promise<void> {
  await consoleLine(agent, line).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
  await widgetLine(visitor, line).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
}

// ---------------------------------------------------------------------------------------------
// Media

/** Audio counters the tests compare over time. */
export type Counter = keyof Pick<AudioStats, 'bytesReceived' | 'bytesSent' | 'packetsSent'>;

/** Waits until `counter` of the page's call rises above its current value (media flows). */
export async function expectRising(page: Page, counter: Counter, timeout = CALL_TIMEOUT_MS): Promise<void> {
  const before = (await callStats(page))[counter];
  await expect.poll(async () => (await callStats(page))[counter], { timeout, interval: 250 }).toBeGreaterThan(before);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until `counter` of the page's call stops rising, then checks that it stays put for
 * `holdMs`. Packets already on the wire when the change happened may still arrive, which is why
 * it first waits for a quiet window rather than comparing with the value at the click.
 */
export async function expectStalled(page: Page, counter: Counter, holdMs = 1_500, timeout = CALL_TIMEOUT_MS): Promise<void> {
  await expect
    .poll(
      async () => {
        const before = (await callStats(page))[counter];
        await pause(600);
        return (await callStats(page))[counter] - before;
      },
      { timeout, interval: 0 },
    )
    .toBe(0);
  const held = (await callStats(page))[counter];
  await pause(holdMs);
  expect((await callStats(page))[counter]).toBe(held);
}

/** Every peer connection the page made is closed, and every microphone track it got has ended. */
export async function expectReleased(page: Page): Promise<void> {
  await expect
    .poll(async () => [...new Set((await peerStats(page)).map((pc) => `${pc.connectionState}/${pc.signalingState}`))], { timeout: CALL_TIMEOUT_MS })
    .toEqual(['closed/closed']);
  await expect
    .poll(async () => [...new Set((await microphoneTracks(page)).map((track) => `${track.kind}:${track.readyState}`))], { timeout: CALL_TIMEOUT_MS })
    .toEqual(['audio:ended']);
}

// ---------------------------------------------------------------------------------------------
// Wire

/** The calls a page was told about (`call.state` frames it received), in order. */
export function callStates(log: FrameLog): CallInfo[] {
  return framesOfType<CallStateFrame>(log.received, 'call.state').map((frame) => frame.call);
}

/** The id of the newest call a page was told about. */
export function lastCallId(log: FrameLog): string {
  const call = callStates(log).at(-1);
  if (!call) throw new Error('The page received no call.state frame.');
  return call.callId;
}

// ---------------------------------------------------------------------------------------------
// Flows

/** A conversation between a visitor and the admin, both pages watched from before they loaded. */
export interface CallConversation {
  visitor: { page: Page; frames: FrameLog };
  agent: ConsoleSession & { frames: FrameLog };
  firstText: string;
}

/** Loads a host page for a new visitor (in `visitorPage`, or a fake-microphone one), sends a first message and opens it in a signed-in console. */
export async function startCallConversation(env: CallE2E, visitorPage?: Page, path = '/call'): Promise<CallConversation> {
  let agentFrames: FrameLog = { sent: [], received: [] };
  const agent = await signInAgent(env.browser, env, async (page) => {
    agentFrames = captureFrames(page);
    await installCallProbe(page);
  });
  const page = visitorPage ?? (await env.visitor()).page;
  const visitorFrames = captureFrames(page);
  await installCallProbe(page);
  await page.goto(env.host.page(path, hostPage(env.relay.origin)));
  const firstText = await firstMessage(page, agent.page, 'I would rather talk to someone');
  return { visitor: { page, frames: visitorFrames }, agent: { ...agent, frames: agentFrames }, firstText };
}

/** The visitor calls, the agent accepts, and both sides show a connected call. */
export async function visitorCallAnswered(conversation: CallConversation): Promise<void> {
  const { visitor, agent } = conversation;
  await visitorStartsCall(visitor.page);
  await answer(agent.page, 'Accept');
  await Promise.all([waitForConnectedCall(visitor.page), waitForConnectedCall(agent.page)]);
}
