/**
 * Visitor identity: anonymous visitors, and the host page naming its user. Shared by the HTTP
 * API (`POST /api/visitors`) and the WebSocket `visitor.identify` frame so both follow one rule:
 * a verified user id (HMAC under the site secret) maps to the site's one canonical visitor for
 * that user, merging the anonymous visitor into it; an unverified one only labels the visitor.
 */
import { nanoid } from 'nanoid';
import { ParleyError, type Attributes } from '@parley/protocol';
import { verifyUserHash } from '../auth/user-hash.js';
import type { Site, Storage, Visitor, VisitorPatch } from '../storage/storage.js';
import { newVisitor } from '../storage/records.js';

/** What a host page may say about its user. */
export interface IdentityClaim {
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
  attributes?: Attributes;
}

/** The visitor after an identify, and whether it is another visitor than before. */
export interface IdentityResult {
  visitor: Visitor;
  /** True when the connection must now act as `visitor.id` (it needs a new token). */
  switched: boolean;
}

/** Creates a new anonymous visitor of a site. */
export function createAnonymousVisitor(storage: Storage, siteId: string, now: number): Promise<Visitor> {
  return storage.createVisitor(newVisitor(nanoid(), siteId, now));
}

function labels(claim: IdentityClaim): VisitorPatch {
  const patch: VisitorPatch = {};
  if (claim.name !== undefined) patch.name = claim.name || null;
  if (claim.email !== undefined) patch.email = claim.email || null;
  return patch;
}

/**
 * Applies a host page's identity claim to visitor `visitorId` of `site`. Throws
 * `ParleyError('identity_invalid')` when a `userHash` is given and does not match.
 */
export async function applyIdentity(
  storage: Storage,
  site: Site,
  visitorId: string,
  claim: IdentityClaim,
  now: number,
): Promise<IdentityResult> {
  const current = await storage.getVisitor(visitorId);
  if (!current || current.siteId !== site.id) throw new ParleyError('forbidden', 'This visitor does not belong to the site.');

  if (claim.userHash === undefined) {
    // An unproven claim labels the visitor but never overrides a proven identity.
    const patch: VisitorPatch = { lastSeenAt: now };
    if (claim.attributes) patch.attributes = { ...current.attributes, ...claim.attributes };
    if (!current.verified) {
      Object.assign(patch, labels(claim));
      if (claim.userId !== undefined) patch.userId = claim.userId || null;
    }
    return { visitor: await storage.updateVisitor(current.id, patch), switched: false };
  }

  const userId = claim.userId;
  if (!userId || !verifyUserHash(userId, claim.userHash, site.secret)) throw new ParleyError('identity_invalid');

  const canonical = await storage.findVisitorByUserId(site.id, userId);
  if (canonical && canonical.id === current.id) {
    const patch: VisitorPatch = { ...labels(claim), verified: true, lastSeenAt: now };
    if (claim.attributes) patch.attributes = { ...current.attributes, ...claim.attributes };
    return { visitor: await storage.updateVisitor(current.id, patch), switched: false };
  }

  if (current.verified && current.userId !== userId) {
    // Another user signed in on this browser: switch to their visitor; never merge two users.
    const target = canonical ?? (await createAnonymousVisitor(storage, site.id, now));
    const patch: VisitorPatch = { ...labels(claim), userId, verified: true, lastSeenAt: now };
    patch.attributes = { ...target.attributes, ...claim.attributes };
    return { visitor: await storage.updateVisitor(target.id, patch), switched: target.id !== current.id };
  }

  if (!canonical) {
    const patch: VisitorPatch = { ...labels(claim), userId, verified: true, lastSeenAt: now };
    patch.attributes = { ...current.attributes, ...claim.attributes };
    return { visitor: await storage.updateVisitor(current.id, patch), switched: false };
  }

  // The anonymous visitor is a known user on a new device: fold its history into theirs.
  await storage.mergeVisitor(current.id, canonical.id);
  const patch: VisitorPatch = {
    ...labels(claim),
    verified: true,
    lastSeenAt: now,
    attributes: { ...canonical.attributes, ...current.attributes, ...claim.attributes },
    browser: current.browser ?? canonical.browser,
    os: current.os ?? canonical.os,
    language: current.language ?? canonical.language,
    currentPage: current.currentPage ?? canonical.currentPage,
  };
  return { visitor: await storage.updateVisitor(canonical.id, patch), switched: true };
}
