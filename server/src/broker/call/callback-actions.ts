/**
 * Callback requests: a visitor asks to be phoned back (`callback.request`); agents list the
 * requests as tasks (`callback.list`) and claim, complete or give up on them
 * (`callback.update`). Every change is stored, written on the conversation's timeline and sent
 * as `callback.updated` to the visitor's tabs and the agents serving the site.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import {
  ParleyError,
  type Callback,
  type CallbackListFrame,
  type CallbackRequestFrame,
  type CallbackUpdateFrame,
  type ServerFrame,
} from '@parley/protocol';
import { nanoid } from 'nanoid';
import { conversationForVisitor } from '../chat-actions.js';
import { siteTopics } from '../access.js';
import type { BrokerContext } from '../context.js';
import { scoped } from '../scoped-filter.js';
import type { Session } from '../session.js';
import { CALLBACK_TEXT } from './messages.js';
import { reopenForVisitor } from './reopen.js';

/** The window of the daily cap on a visitor's requests. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** The statuses of an open task. */
const OPEN: Callback['status'][] = ['requested', 'claimed'];

/** A typed phone number as E.164 and in international format; `phone_invalid` when it is not a valid number. */
export function parsePhone(phone: string, country?: string): { e164: string; international: string } {
  const parsed = parsePhoneNumberFromString(phone, country as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) throw new ParleyError('phone_invalid');
  return { e164: parsed.number, international: parsed.formatInternational() };
}

function updated(callback: Callback): ServerFrame {
  return { type: 'callback.updated', callback } satisfies ServerFrame;
}

/** Sends a request's new state to the visitor's tabs and the agents serving its site. */
function publishCallback(ctx: BrokerContext, callback: Callback, siteId: string): void {
  ctx.publish([`visitor:${callback.visitorId}`, ...siteTopics(siteId)], updated(callback));
}

/**
 * `callback.request`: the number is parsed (international, or national for `country`) and kept
 * in E.164; an invalid one is refused with `phone_invalid`. A retried client id gets the same
 * request back; more than `callbacksPerDay` in a day is `rate_limited`. The conversation is the
 * one named, or the visitor's open one, or a new one.
 */
export async function callbackRequest(ctx: BrokerContext, session: Session, frame: CallbackRequestFrame): Promise<void> {
  const phone = parsePhone(frame.phone, frame.country);
  const visitorId = session.subjectId;
  await ctx.serial(`callbacks:${visitorId}`, async () => {
    const existing = await ctx.storage.findCallbackByClientId(visitorId, frame.clientId);
    if (existing) return session.send(updated(existing));
    const cap = ctx.limits.callbacksPerDay;
    const today = await ctx.storage.listCallbacks({ visitorId, createdSince: ctx.now() - DAY_MS, limit: cap });
    if (today.length >= cap) {
      throw new ParleyError('rate_limited', `At most ${cap} callback requests a day; an agent will see the ones you made.`);
    }
    let conversation =
      frame.conversationId !== undefined ? await ctx.requireConversation(session, frame.conversationId) : await conversationForVisitor(ctx, session);
    if (conversation.status === 'resolved') conversation = await reopenForVisitor(ctx, conversation);
    const { callback, duplicate } = await ctx.storage.createCallback({
      id: nanoid(),
      clientId: frame.clientId,
      conversationId: conversation.id,
      visitorId,
      phone: phone.e164,
      window: frame.window ?? null,
      note: frame.note ?? null,
      createdAt: ctx.now(),
    });
    if (duplicate) return session.send(updated(callback));
    await ctx.appendSystem(conversation, CALLBACK_TEXT.requested(phone.international));
    // A new task for the agents: the inbox shows it at once.
    await ctx.announce((await ctx.storage.getConversation(conversation.id)) ?? conversation);
    publishCallback(ctx, callback, conversation.siteId);
  });
}

/**
 * `callback.update`: `claimed` records the agent who will call; `done` and `unreachable` close
 * the task, by anyone, recorded too. The same status from the same agent changes nothing.
 */
export async function callbackUpdate(ctx: BrokerContext, session: Session, frame: CallbackUpdateFrame): Promise<void> {
  const agent = await ctx.agent(session.subjectId);
  if (!agent) throw new ParleyError('forbidden', 'This agent no longer exists.');
  await ctx.serial(`callback:${frame.callbackId}`, async () => {
    const current = await ctx.storage.getCallback(frame.callbackId);
    if (!current) throw new ParleyError('not_found', 'No such callback request.');
    // A request belongs to its conversation: another site's is refused as its conversation is.
    const conversation = await ctx.requireConversation(session, current.conversationId);
    if (current.status === frame.status && current.agentId === agent.id) return session.send(updated(current));
    const callback = await ctx.storage.updateCallback(current.id, { status: frame.status, agentId: agent.id, agentName: agent.name }, ctx.now());
    await ctx.appendSystem(conversation, CALLBACK_TEXT[frame.status](agent.name));
    const fresh = await ctx.storage.getConversation(conversation.id);
    if (fresh) ctx.announceActivity(fresh);
    publishCallback(ctx, callback, conversation.siteId);
  });
}

/** `callback.list`: the open tasks (requested or claimed) or the latest of any status, newest first. */
export async function callbackList(ctx: BrokerContext, session: Session, frame: CallbackListFrame): Promise<void> {
  const callbacks = await ctx.storage.listCallbacks(
    scoped(session, {
      ...(frame.filter === 'open' ? { statuses: OPEN } : {}),
      limit: ctx.settings.inboxPageSize,
    }),
  );
  session.send({ type: 'callback.items', filter: frame.filter, callbacks } satisfies ServerFrame);
}

/** A visitor's requests for its welcome: the ones not done (still open, or unreachable), newest first. */
export function visitorCallbacks(ctx: BrokerContext, visitorId: string): Promise<Callback[]> {
  return ctx.storage.listCallbacks({ visitorId, statuses: ['requested', 'claimed', 'unreachable'], limit: ctx.settings.inboxPageSize });
}

/** A conversation's requests for its detail, newest first. */
export function conversationCallbacks(ctx: BrokerContext, conversationId: string): Promise<Callback[]> {
  return ctx.storage.listCallbacks({ conversationId, limit: ctx.settings.contextPageSize });
}
