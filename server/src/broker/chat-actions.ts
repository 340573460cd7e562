/**
 * Chat actions: sending (durable write, then ack, then fan-out), typing, read receipts and
 * resync. Shared by visitors and agents; the differences are spelled out where they apply.
 */
import { nanoid } from 'nanoid';
import {
  ParleyError,
  type ChatReadFrame,
  type ChatSendFrame,
  type ChatSyncFrame,
  type ChatTypingFrame,
  type Message,
  type ServerFrame,
} from '@parley/protocol';
import type { Topic } from '../bus/bus.js';
import type { Conversation } from '../storage/storage.js';
import { isStorageError } from '../storage/storage-error.js';
import { isStoreUnavailable } from '../storage/store-unavailable.js';
import { siteTopics } from './access.js';
import { changeConversation } from './conditional.js';
import type { BrokerContext } from './context.js';
import { newMessageId } from './message-id.js';
import { replayMessages } from './replay.js';
import { heldBackBy, noteRefused, noteSettled, orderKey } from './send-order.js';
import type { Session } from './session.js';
import { whileVisitorExists } from './visitor-gone.js';

function ack(session: Session, message: Message, clientId: string): void {
  session.send({
    type: 'chat.ack',
    clientId,
    conversationId: message.conversationId,
    messageId: message.id,
    seq: message.seq,
    at: message.at,
  } satisfies ServerFrame);
  session.acked(clientId);
}

/**
 * The visitor's open conversation, or a new one (for a visitor's frame that names none: a
 * message, a callback request). The store holds one open conversation per visitor, so two tabs
 * (on any relay nodes) starting one at the same moment get the same one: the loser of the race
 * finds the winner's. A visitor that no longer exists (a label that proved a user's identity on
 * another connection, and was folded into that user) is answered `unauthorized`: the connection
 * must get a token again.
 */
export async function conversationForVisitor(ctx: BrokerContext, session: Session): Promise<Conversation> {
  const visitorId = session.subjectId;
  for (let tries = 1; ; tries++) {
    const [open] = await ctx.storage.listConversations({ visitorId, status: 'open', limit: 1 });
    if (open) return open;
    try {
      return await whileVisitorExists(ctx, visitorId, () =>
        ctx.storage.createConversation({ id: nanoid(), siteId: session.siteId!, visitorId, createdAt: ctx.now() }),
      );
    } catch (error) {
      // Started at the same moment elsewhere (and resolved again before we looked, if it is gone).
      if (!isStorageError(error, 'conflict') || tries >= 3) throw error;
    }
  }
}

/**
 * `chat.send`: a retried client id is acked again with its original seq and never written twice.
 * Otherwise the message is appended durably; only then is it acked, then fanned out to the
 * visitor's other tabs, to agents viewing or owning the conversation, and announced to agents
 * (at once for a new, reopened or taken conversation, else coalesced: see `announce-throttle.ts`).
 * The sending connection gets the ack, which carries everything the `chat.message` would.
 *
 * The common case costs no store read before the append: the conversation comes from the
 * broker's cache, and the append itself answers a retry (it dedupes on author and client id in
 * its own transaction). A retry is looked up first only where the send would change something
 * before appending (start, reopen or take a conversation), so a retry never does that twice.
 */
export async function chatSend(ctx: BrokerContext, session: Session, frame: ChatSendFrame): Promise<void> {
  // Never stored ahead of an earlier message of the same conversation that the store refused (see `send-order.ts`).
  const key = orderKey(frame.conversationId);
  if (heldBackBy(session, key, frame.clientId) !== undefined) throw new ParleyError('unavailable', HELD_BACK);
  try {
    await storeAndAck(ctx, session, frame);
  } catch (error) {
    if (isStoreUnavailable(error)) noteRefused(session, key, frame.clientId);
    else noteSettled(session, key, frame.clientId);
    throw error;
  }
  noteSettled(session, key, frame.clientId);
}

/** What a message held back behind a refused one is told: the same retry, in the same order. */
const HELD_BACK = 'An earlier message of this conversation could not be stored yet; nothing was stored: send both again, oldest first.';

/** `chat.send` after the ordering check: see `chatSend`. */
async function storeAndAck(ctx: BrokerContext, session: Session, frame: ChatSendFrame): Promise<void> {
  const authorId = session.subjectId;
  if (frame.conversationId === undefined && (await ackRetry(ctx, session, frame))) return;
  const targetId = frame.conversationId ?? (await conversationForVisitor(ctx, session)).id;

  // The queue keeps this node's sends of one conversation in order; what must hold across nodes
  // (reopening once, one agent taking it) is a conditional write in the store.
  await ctx.serial(targetId, async () => {
    // Read inside the queue: an earlier task may have resolved, reopened or assigned it.
    let conversation = await ctx.requireConversation(session, targetId);
    let authorName: string | undefined;
    let visitorName: string | null | undefined;
    // Reopened or taken by this send: agents must see the new state at once.
    let changed = false;

    if (session.role === 'visitor') {
      visitorName = (await ctx.visitorName(authorId)) ?? null;
      authorName = visitorName ?? undefined;
      if (conversation.status === 'resolved') {
        if (await ackRetry(ctx, session, frame)) return;
        // A visitor writing into a resolved conversation means it is not resolved after all.
        ({ conversation, changed } = await changeConversation(ctx, conversation.id, async (current) => {
          if (current.status !== 'resolved') return { conversation: current, changed: false };
          const reopened = await ctx.storage.updateConversation(current.id, { status: 'open', resolvedAt: null }, ctx.now(), { status: 'resolved' });
          await ctx.appendSystem(reopened, 'The visitor reopened the conversation');
          return { conversation: reopened, changed: true };
        }));
      }
    } else {
      const agent = await ctx.agent(authorId);
      authorName = agent?.name;
      if (!conversation.assigneeId) {
        if (await ackRetry(ctx, session, frame)) return;
        // Answering a waiting conversation takes it, as in every shared inbox; when two agents
        // answer at once (on any nodes), the store gives it to one and the other just answers.
        ({ conversation, changed } = await changeConversation(ctx, conversation.id, async (current) => {
          if (current.assigneeId) return { conversation: current, changed: false };
          const taken = await ctx.storage.updateConversation(current.id, { assigneeId: authorId }, ctx.now(), { assigneeId: null });
          await ctx.appendSystem(taken, `${authorName ?? 'An agent'} joined the conversation`);
          return { conversation: taken, changed: true };
        }));
      }
    }

    const result = await ctx.storage.appendMessage({
      id: newMessageId(),
      conversationId: conversation.id,
      clientId: frame.clientId,
      author: session.role,
      authorId,
      ...(authorName ? { authorName } : {}),
      text: frame.text,
      at: ctx.now(),
    });
    ack(session, result.message, frame.clientId);
    if (result.duplicate) return;

    const message = result.message;
    ctx.publish(ctx.messageTopics(conversation), { type: 'chat.message', message } satisfies ServerFrame, session.id);
    // What the append changed, without reading it back (this task owns the conversation now).
    const after: Conversation = {
      ...conversation,
      lastSeq: message.seq,
      lastMessage: { text: message.text, author: message.author, at: message.at },
      updatedAt: Math.max(conversation.updatedAt, message.at),
    };
    // A new conversation (its first message) rings the agents' inboxes: never held back.
    if (changed || message.seq === 1) await ctx.announce(after, visitorName);
    else ctx.announceActivity(after);
  });
}

/** Acks a send whose client id is already stored; false when it is new. */
async function ackRetry(ctx: BrokerContext, session: Session, frame: ChatSendFrame): Promise<boolean> {
  const existing = await ctx.storage.findMessageByClientId(session.subjectId, frame.clientId);
  if (existing) ack(session, existing, frame.clientId);
  return existing !== null;
}

/** Topics of "the other side" of a conversation, from the sender's point of view. */
function otherSide(session: Session, conversation: Conversation): Topic[] {
  if (session.role === 'agent') return [`visitor:${conversation.visitorId}`, `conversation:${conversation.id}`];
  const topics: Topic[] = [`conversation:${conversation.id}`];
  if (conversation.assigneeId) topics.push(`agent:${conversation.assigneeId}`);
  return topics;
}

/** `chat.typing`: relayed as is to the other side; never stored. */
export async function chatTyping(ctx: BrokerContext, session: Session, frame: ChatTypingFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const out: ServerFrame = { type: 'chat.typing', conversationId: conversation.id, typing: frame.typing, from: session.role };
  if (session.role === 'agent') {
    const name = (await ctx.agent(session.subjectId))?.name;
    if (name) out.name = name;
  }
  ctx.publish(otherSide(session, conversation), out, session.id);
}

/**
 * `chat.read`: stores how far the sender's side has read (never backwards, never past the last
 * message) and tells the other side and the sender's other connections.
 */
export async function chatRead(ctx: BrokerContext, session: Session, frame: ChatReadFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  await ctx.serial(conversation.id, async () => {
    const current = (await ctx.storage.getConversation(conversation.id)) ?? conversation;
    const seq = Math.min(frame.seq, current.lastSeq);
    const field = session.role === 'visitor' ? 'visitorReadSeq' : 'agentReadSeq';
    if (seq <= current[field]) return;
    // Reading is not activity: keep updatedAt so the inbox order does not jump.
    const updated = await ctx.storage.updateConversation(current.id, { [field]: seq }, current.updatedAt);
    const topics = otherSide(session, updated);
    topics.push(...(session.role === 'visitor' ? [`visitor:${updated.visitorId}` as const] : siteTopics(updated.siteId)));
    ctx.publish(topics, { type: 'chat.read', conversationId: updated.id, seq, by: session.role } satisfies ServerFrame, session.id);
    if (session.role === 'agent') await ctx.announce(updated);
  });
}

/** `chat.sync`: one batch of the messages after `afterSeq`. */
export async function chatSync(ctx: BrokerContext, session: Session, frame: ChatSyncFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  await replayMessages(ctx, session, conversation.id, frame.afterSeq);
}
