/**
 * Stored records -> the shapes that travel in frames. Kept apart so storage rows never leak
 * fields (secrets, password hashes) onto the wire.
 */
import { previewText, type AgentProfile, type ConversationSummary, type VisitorProfile } from '@parley/protocol';
import type { Agent, Conversation, Visitor } from '../storage/storage.js';
import type { SiteActivity } from './announce-throttle.js';

/** A conversation as listed, with the display names and the visitor's presence the console shows. */
export function toSummary(
  conversation: Conversation,
  visitorName: string | null,
  assigneeName: string | null,
  visitorOnline = false,
): ConversationSummary {
  return {
    id: conversation.id,
    siteId: conversation.siteId,
    visitorId: conversation.visitorId,
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    assigneeName,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    lastSeq: conversation.lastSeq,
    lastMessage: preview(conversation.lastMessage),
    visitorName,
    visitorOnline,
    visitorReadSeq: conversation.visitorReadSeq,
    agentReadSeq: conversation.agentReadSeq,
  };
}

/** What a message moved in the conversation's summary, with its site (see `inbox.activity`). */
export function toActivity(conversation: Conversation): SiteActivity {
  return {
    id: conversation.id,
    siteId: conversation.siteId,
    updatedAt: conversation.updatedAt,
    lastSeq: conversation.lastSeq,
    lastMessage: preview(conversation.lastMessage),
  };
}

/** The last message as agents' inboxes get it: its text cut to a preview (the same object when short). */
function preview(lastMessage: Conversation['lastMessage']): Conversation['lastMessage'] {
  if (!lastMessage) return lastMessage;
  const text = previewText(lastMessage.text);
  return text === lastMessage.text ? lastMessage : { ...lastMessage, text };
}

/** A visitor as agents see them, with presence. */
export function toVisitorProfile(visitor: Visitor, online: boolean): VisitorProfile {
  return {
    id: visitor.id,
    siteId: visitor.siteId,
    userId: visitor.userId,
    name: visitor.name,
    email: visitor.email,
    verified: visitor.verified,
    attributes: visitor.attributes,
    browser: visitor.browser,
    os: visitor.os,
    language: visitor.language,
    currentPage: visitor.currentPage,
    online,
    firstSeenAt: visitor.firstSeenAt,
    lastSeenAt: visitor.lastSeenAt,
  };
}

/** An agent without credentials. */
export function toAgentProfile(agent: Agent): AgentProfile {
  return { id: agent.id, email: agent.email, name: agent.name, role: agent.role };
}
