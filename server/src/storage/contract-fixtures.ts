/**
 * Records and helpers shared by the parts of the Storage contract: fresh records with unique
 * ids, and a fresh, migrated store per test.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { isStorageError } from './storage-error.js';
import type { Agent, Conversation, NewMessage, Site, Storage, Visitor } from './storage.js';
import { newVisitor } from './records.js';

/** A site with unique id and key; fields may be overridden. */
export function aSite(overrides: Partial<Site> = {}): Site {
  const id = randomUUID();
  return {
    id,
    key: `key-${id}`,
    name: 'Shop',
    secret: 'site-secret',
    allowedOrigins: ['https://shop.example', 'http://localhost:*'],
    createdAt: 1_000,
    ...overrides,
  };
}

/** An agent with unique id and email; fields may be overridden. */
export function anAgent(overrides: Partial<Agent> = {}): Agent {
  const id = randomUUID();
  return {
    id,
    email: `${id}@agents.example`,
    name: 'Ana',
    role: 'agent',
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    createdAt: 1_000,
    ...overrides,
  };
}

/** An anonymous visitor of `siteId`; fields may be overridden. */
export function aVisitor(siteId: string, overrides: Partial<Visitor> = {}): Visitor {
  return { ...newVisitor(randomUUID(), siteId, 1_000), ...overrides };
}

/** A new message of `conversationId`; fields may be overridden. */
export function aMessage(conversationId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    id: randomUUID(),
    conversationId,
    clientId: randomUUID(),
    author: 'visitor',
    authorId: 'visitor-1',
    text: 'Hello',
    at: 2_000,
    ...overrides,
  };
}

/** Resolves to the StorageError code a promise rejects with (fails the test if it resolves). */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStorageError(error) ? error.code : `not a StorageError: ${String(error)}`;
  }
  return 'resolved';
}

/**
 * Gives each test a fresh, migrated store from `makeStorage` (handed to `use` before the test)
 * and closes it after.
 */
export function useContractStore(makeStorage: () => Promise<Storage>, use: (storage: Storage) => void): void {
  let storage: Storage;
  beforeEach(async () => {
    storage = await makeStorage();
    await storage.migrate();
    use(storage);
  });
  afterEach(async () => {
    await storage.close();
  });
}

/** A site and one of its visitors, stored. */
export async function siteWithVisitor(storage: Storage): Promise<{ site: Site; visitor: Visitor }> {
  const site = await storage.createSite(aSite());
  const visitor = await storage.createVisitor(aVisitor(site.id));
  return { site, visitor };
}

/** A stored conversation of a fresh site and visitor, or of the ones given. */
export async function aConversation(
  storage: Storage,
  fields: { siteId?: string; visitorId?: string; createdAt?: number } = {},
): Promise<Conversation> {
  let { siteId, visitorId } = fields;
  if (siteId === undefined || visitorId === undefined) {
    const created = await siteWithVisitor(storage);
    siteId ??= created.site.id;
    visitorId ??= created.visitor.id;
  }
  return storage.createConversation({ id: randomUUID(), siteId, visitorId, createdAt: fields.createdAt ?? 1_000 });
}
