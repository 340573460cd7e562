/**
 * Everything the console keeps in localStorage, behind one small module so keys live in one
 * place and a browser that refuses storage (private mode, quota) never breaks the console.
 */
import type { PendingMessage } from './store/state.js';

/** The storage keys the console uses. */
export const STORAGE_KEYS = {
  token: 'parley.console.token',
  sound: 'parley.console.sound',
  outbox: 'parley.console.outbox',
} as const;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    const s = storage();
    if (!s) return;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    // Storage full or forbidden: the console still works for this page's lifetime.
  }
}

/** The saved agent token, or null when signed out. */
export function loadToken(): string | null {
  return read(STORAGE_KEYS.token);
}

/** Saves the agent token, or forgets it when given null. */
export function saveToken(token: string | null): void {
  write(STORAGE_KEYS.token, token);
}

/** Whether new-conversation sounds are on (on by default). */
export function loadSoundOn(): boolean {
  return read(STORAGE_KEYS.sound) !== 'off';
}

/** Persists the sound toggle. */
export function saveSoundOn(on: boolean): void {
  write(STORAGE_KEYS.sound, on ? 'on' : 'off');
}

function isPending(value: unknown): value is PendingMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.clientId === 'string' && typeof v.conversationId === 'string' && typeof v.text === 'string' && typeof v.createdAt === 'number';
}

/**
 * The unacknowledged replies agent `agentId` left in an earlier page load, to resend after
 * connecting. Replies of another agent (a shared browser) are never sent under this one's name.
 */
export function loadOutbox(agentId: string): PendingMessage[] {
  const raw = read(STORAGE_KEYS.outbox);
  if (!raw) return [];
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null) return [];
    const { owner, items } = data as { owner?: unknown; items?: unknown };
    if (owner !== agentId || !Array.isArray(items)) return [];
    // A reload is a reconnect: everything not permanently refused goes out again.
    return items.filter(isPending).map((p) => ({ ...p, status: p.permanent ? 'failed' : 'sending' }));
  } catch {
    return [];
  }
}

/** Saves agent `agentId`'s outbox so a reload does not lose a reply typed while offline. */
export function saveOutbox(agentId: string, outbox: readonly PendingMessage[]): void {
  write(STORAGE_KEYS.outbox, outbox.length ? JSON.stringify({ owner: agentId, items: outbox }) : null);
}

/** Forgets any saved outbox (explicit sign-out). */
export function clearOutbox(): void {
  write(STORAGE_KEYS.outbox, null);
}
