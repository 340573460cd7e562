/**
 * Visitor identity: what a host page says about its user, and what the relay makes of it. Shared
 * by the HTTP API (`POST /api/visitors`) and the WebSocket `visitor.identify` frame so both follow
 * one set of rules (CONTEXT.md, "Identity"):
 *
 * - a visitor is anonymous, labelled (the page named it without proof) or verified (its user id
 *   proven by an HMAC under the site secret);
 * - only a verified visitor is ever the site's canonical visitor of a user id; a label never
 *   takes that place, is never found by user id and never receives a merge;
 * - a verified sign-in never inherits a labelled visitor's token: the identity goes to the
 *   canonical visitor or a new one, and the labelled visitor's history follows it there.
 */
import { nanoid } from 'nanoid';
import { ParleyError, type Attributes } from '@parley/protocol';
import { verifyUserHash } from '../auth/user-hash.js';
import { isStorageError } from '../storage/storage-error.js';
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

/** How much the relay knows about who a visitor is. */
export type IdentityState = 'anonymous' | 'labelled' | 'verified';

/** The visitor after an identify, and whether it is another visitor than before. */
export interface IdentityResult {
  visitor: Visitor;
  /** True when the connection must now act as `visitor.id` (it needs a new token). */
  switched: boolean;
  /**
   * True when every connection of the visitor before may follow the switch: an anonymous visitor
   * folded into a known user, whose token only its own browser holds. False when only the
   * connection that proved the identity may: the visitor before was labelled (whoever else holds
   * its token is not vouched for) or is another user, who stays signed in elsewhere.
   */
  tabsFollow: boolean;
}

/** Creates a new anonymous visitor of a site. */
export function createAnonymousVisitor(storage: Storage, siteId: string, now: number): Promise<Visitor> {
  return storage.createVisitor(newVisitor(nanoid(), siteId, now));
}

/** Creates the canonical visitor of a user id (a `conflict` when another one exists). */
function createVerifiedVisitor(storage: Storage, siteId: string, userId: string, now: number): Promise<Visitor> {
  return storage.createVisitor({ ...newVisitor(nanoid(), siteId, now), userId, verified: true });
}

/** Where `visitor` stands: verified, labelled by an unproven claim, or anonymous. */
export function identityState(visitor: Visitor): IdentityState {
  if (visitor.verified) return 'verified';
  return visitor.userId !== null || visitor.name !== null || visitor.email !== null ? 'labelled' : 'anonymous';
}

function labels(claim: IdentityClaim): VisitorPatch {
  const patch: VisitorPatch = {};
  if (claim.name !== undefined) patch.name = claim.name || null;
  if (claim.email !== undefined) patch.email = claim.email || null;
  return patch;
}

/**
 * Applies a host page's identity claim to visitor `visitorId` of `site`. Throws
 * `ParleyError('identity_invalid')` when a `userHash` is given and does not match, and
 * `unauthorized` when the visitor no longer exists (it was merged into a known user meanwhile).
 * An unproven claim always succeeds, whatever the id, and tells nothing about other visitors.
 */
export async function applyIdentity(
  storage: Storage,
  site: Site,
  visitorId: string,
  claim: IdentityClaim,
  now: number,
): Promise<IdentityResult> {
  const userId = claim.userId;
  if (claim.userHash !== undefined && (!userId || !verifyUserHash(userId, claim.userHash, site.secret))) {
    throw new ParleyError('identity_invalid');
  }
  const current = await storage.getVisitor(visitorId);
  if (!current) throw new ParleyError('unauthorized', 'This visitor no longer exists.');
  if (current.siteId !== site.id) throw new ParleyError('forbidden', 'This visitor does not belong to the site.');
  if (claim.userHash === undefined || !userId) return label(storage, current, claim, now);

  try {
    return await prove(storage, site, current, userId, claim, now);
  } catch (error) {
    // Another device of the same user became its canonical visitor between our read and our
    // write (the unique slot refused us): decide again, now that it exists.
    if (!isStorageError(error, 'conflict')) throw error;
    return prove(storage, site, current, userId, claim, now);
  }
}

/**
 * `applyIdentity` for a request that named its visitor by a token read a moment ago: when that
 * visitor was merged into a known user meanwhile (another tab of the browser signed in first),
 * the claim applies to a new anonymous visitor instead, reported as `switched` (a new token).
 */
export async function applyIdentityOrStartOver(
  storage: Storage,
  site: Site,
  visitorId: string,
  claim: IdentityClaim,
  now: number,
): Promise<IdentityResult> {
  try {
    return await applyIdentity(storage, site, visitorId, claim, now);
  } catch (error) {
    if (!(error instanceof ParleyError && error.code === 'unauthorized')) throw error;
    const fresh = await createAnonymousVisitor(storage, site.id, now);
    return { ...(await applyIdentity(storage, site, fresh.id, claim, now)), switched: true };
  }
}

/** An unproven claim: labels an unverified visitor, never overrides a proven identity. */
async function label(storage: Storage, current: Visitor, claim: IdentityClaim, now: number): Promise<IdentityResult> {
  const patch: VisitorPatch = { lastSeenAt: now };
  if (claim.attributes) patch.attributes = { ...current.attributes, ...claim.attributes };
  if (!current.verified) {
    Object.assign(patch, labels(claim));
    // Stored apart from proven ids (see `Storage.findVisitorByUserId`): a taken id is no clash.
    if (claim.userId !== undefined) patch.userId = claim.userId || null;
  }
  return { visitor: await storage.updateVisitor(current.id, patch), switched: false, tabsFollow: false };
}

/** A proven user id: the visitor becomes, joins or switches to the user's canonical visitor. */
async function prove(
  storage: Storage,
  site: Site,
  current: Visitor,
  userId: string,
  claim: IdentityClaim,
  now: number,
): Promise<IdentityResult> {
  const canonical = await storage.findVisitorByUserId(site.id, userId);
  const proven: VisitorPatch = { ...labels(claim), userId, verified: true, lastSeenAt: now };

  if (canonical && canonical.id === current.id) {
    const patch: VisitorPatch = { ...proven, attributes: { ...current.attributes, ...claim.attributes } };
    return { visitor: await storage.updateVisitor(current.id, patch), switched: false, tabsFollow: false };
  }

  const state = identityState(current);
  if (state === 'verified') {
    // Another user signed in on this browser: switch to their visitor; never merge two users.
    const target = canonical ?? (await createVerifiedVisitor(storage, site.id, userId, now));
    const patch: VisitorPatch = { ...proven, attributes: { ...target.attributes, ...claim.attributes } };
    return { visitor: await storage.updateVisitor(target.id, patch), switched: true, tabsFollow: false };
  }

  if (state === 'anonymous' && !canonical) {
    // The first device of this user: the anonymous visitor becomes its canonical one in place.
    const patch: VisitorPatch = { ...proven, attributes: { ...current.attributes, ...claim.attributes } };
    return { visitor: await storage.updateVisitor(current.id, patch), switched: false, tabsFollow: false };
  }

  // A known user on a new device, or a labelled visitor proving who it is: the identity lives on
  // the canonical visitor (or, for a label, a new one, so its token gains nothing) and this
  // visitor's history folds into it. This visitor is then gone, and so is what its token reads.
  const target = canonical ?? (await createVerifiedVisitor(storage, site.id, userId, now));
  await storage.mergeVisitor(current.id, target.id);
  const patch: VisitorPatch = {
    ...proven,
    attributes: { ...target.attributes, ...current.attributes, ...claim.attributes },
    browser: current.browser ?? target.browser,
    os: current.os ?? target.os,
    language: current.language ?? target.language,
    currentPage: current.currentPage ?? target.currentPage,
  };
  return { visitor: await storage.updateVisitor(target.id, patch), switched: true, tabsFollow: state === 'anonymous' };
}
