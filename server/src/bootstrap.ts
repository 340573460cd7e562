/**
 * First start: the relay secret (kept in `<dataDir>/relay-secret`), the demo site and the admin
 * agent. Later starts reuse them; the demo site's allowlist follows the current public origin
 * and `PARLEY_ALLOWED_ORIGINS`.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { hashPassword } from './auth/password.js';
import type { RelayOptions } from './options.js';
import { DATA_FILE_MODE, prepareDataDir, toDataDirError } from './storage/data-dir.js';
import { isStorageError } from './storage/storage-error.js';
import type { Site, Storage } from './storage/storage.js';

/** What the first start created, to print once. */
export interface FirstStart {
  /** The generated admin password (null when it was given or the admin existed). */
  adminPassword: string | null;
  /** The generated demo site secret (null when it was given or the site existed). */
  demoSiteSecret: string | null;
}

/** The result of bootstrapping. */
export interface Bootstrap {
  secret: string;
  demoSite: Site;
  created: FirstStart;
}

/** A random secret, URL-safe. */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The relay secret: the configured one, else the one in the data dir, else a new one saved there. */
export async function loadSecret(options: Pick<RelayOptions, 'secret' | 'dataDir'>): Promise<string> {
  if (options.secret) return options.secret;
  const file = join(options.dataDir, 'relay-secret');
  const existing = await readFile(file, 'utf8').catch((error: unknown) => {
    // Missing is a first start; unreadable must not quietly become a new secret (every token void).
    if ((error as { code?: unknown }).code === 'ENOENT') return '';
    throw toDataDirError(error, options.dataDir);
  });
  if (existing.trim()) return existing.trim();
  const dir = await prepareDataDir(options.dataDir, { create: true });
  const secret = generateSecret();
  await writeFile(file, `${secret}\n`, { mode: DATA_FILE_MODE }).catch((error: unknown) => {
    throw toDataDirError(error, dir.path);
  });
  return secret;
}

/** The demo site's allowlist: the relay itself, any local port, and the configured extras. */
export function demoOrigins(publicOrigin: string, extra: readonly string[]): string[] {
  return [...new Set([publicOrigin, 'http://localhost:*', 'http://127.0.0.1:*', ...extra])];
}

/**
 * The record `create` made, or null when its unique key was taken meanwhile: several relay nodes
 * starting at once on one database each find the installation empty, and one of them wins.
 */
async function firstOrTaken<T>(create: () => Promise<T>): Promise<T | null> {
  try {
    return await create();
  } catch (error) {
    if (isStorageError(error, 'conflict')) return null;
    throw error;
  }
}

/** Creates the demo site and admin agent when missing; keeps the demo allowlist current. */
export async function bootstrap(storage: Storage, options: RelayOptions, publicOrigin: string): Promise<Bootstrap> {
  const secret = await loadSecret(options);
  const created: FirstStart = { adminPassword: null, demoSiteSecret: null };
  const origins = demoOrigins(publicOrigin, options.allowedOrigins);

  let demoSite = await storage.getSiteByKey(options.demoSiteKey);
  if (!demoSite) {
    const siteSecret = options.demoSiteSecret ?? generateSecret();
    const made = await firstOrTaken(() =>
      storage.createSite({ id: nanoid(), key: options.demoSiteKey, name: 'Demo', secret: siteSecret, allowedOrigins: origins, createdAt: Date.now() }),
    );
    if (made) {
      if (!options.demoSiteSecret) created.demoSiteSecret = siteSecret;
      // Agents added before the first start joined no site (there was none): the first site is theirs.
      if ((await storage.listSites()).length === 1) {
        for (const agent of await storage.listAgents()) await storage.addAgentSites(agent.id, [made.id]);
      }
      return { secret, demoSite: made, created: await bootstrapAdmin(storage, options, created) };
    }
    // Another relay node starting on the same database made it first: kept current below.
    demoSite = (await storage.getSiteByKey(options.demoSiteKey))!;
  }
  const merged = [...new Set([...demoSite.allowedOrigins, ...origins])];
  const patch: Partial<Site> = {};
  if (merged.length !== demoSite.allowedOrigins.length) patch.allowedOrigins = merged;
  if (options.demoSiteSecret && options.demoSiteSecret !== demoSite.secret) patch.secret = options.demoSiteSecret;
  if (Object.keys(patch).length > 0) demoSite = await storage.updateSite(demoSite.id, patch);
  return { secret, demoSite, created: await bootstrapAdmin(storage, options, created) };
}

/** Creates the admin agent when there is no agent at all; returns `created` with its generated password, if any. */
async function bootstrapAdmin(storage: Storage, options: RelayOptions, created: FirstStart): Promise<FirstStart> {
  if ((await storage.listAgents()).length === 0) {
    const password = options.adminPassword ?? generateSecret(12);
    const passwordHash = await hashPassword(password);
    const admin = await firstOrTaken(() =>
      storage.createAgent({ id: nanoid(), email: options.adminEmail, name: 'Admin', role: 'admin', passwordHash, createdAt: Date.now() }),
    );
    // Null: another node made the admin first, with its own password; this one was never stored.
    if (admin && !options.adminPassword) created.adminPassword = password;
  }
  return created;
}
