/**
 * The widget's only door to localStorage. Reading is always allowed; writing waits until the
 * visitor first interacts with the widget (or the site opts in with `persist`), so a page that
 * merely loads the widget gets no storage written. Until then values live in memory and are
 * flushed on `allow()`.
 */

/** The keys the widget keeps per site. */
export type StorageSlot = 'token' | 'outbox' | 'state';

/** Called with the new raw value when another tab changed a slot (null when removed). */
export type SlotListener = (slot: StorageSlot, value: string | null) => void;

const SLOTS: readonly StorageSlot[] = ['token', 'outbox', 'state'];

function backend(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Sandboxed iframes and some privacy modes throw on mere access.
    return null;
  }
}

/** Per-site storage that holds back every write until the visitor has interacted. */
export class GatedStorage {
  private readonly _memory = new Map<StorageSlot, string | null>();
  private _allowed: boolean;
  private _listener: ((event: StorageEvent) => void) | null = null;

  /** `allowed` is true when writing may start at once (opt-in, or consent given earlier). */
  constructor(
    readonly siteKey: string,
    allowed: boolean,
  ) {
    this._allowed = allowed;
  }

  /** The localStorage key of a slot: `parley:<siteKey>:<slot>`. */
  key(slot: StorageSlot): string {
    return `parley:${this.siteKey}:${slot}`;
  }

  /** Whether writes reach localStorage yet. */
  get allowed(): boolean {
    return this._allowed;
  }

  /** The slot's value: the unflushed in-memory one first, else what storage holds. */
  read(slot: StorageSlot): string | null {
    if (this._memory.has(slot)) return this._memory.get(slot) ?? null;
    try {
      return backend()?.getItem(this.key(slot)) ?? null;
    } catch {
      return null;
    }
  }

  /** Stores a value (null removes it); held in memory until writes are allowed. */
  write(slot: StorageSlot, value: string | null): void {
    if (!this._allowed) {
      this._memory.set(slot, value);
      return;
    }
    this._memory.delete(slot);
    try {
      const store = backend();
      if (value === null) store?.removeItem(this.key(slot));
      else store?.setItem(this.key(slot), value);
    } catch {
      // Quota exceeded or storage disabled: the widget keeps working from memory.
      this._memory.set(slot, value);
    }
  }

  /** Lets writes through from now on and flushes everything held in memory. */
  allow(): void {
    if (this._allowed) return;
    this._allowed = true;
    for (const [slot, value] of [...this._memory]) this.write(slot, value);
  }

  /** Calls `listener` when another tab changes one of this site's slots. */
  watch(listener: SlotListener): void {
    this.unwatch();
    this._listener = (event) => {
      if (event.storageArea && event.storageArea !== backend()) return;
      const slot = SLOTS.find((s) => this.key(s) === event.key);
      if (slot) listener(slot, event.newValue);
    };
    addEventListener('storage', this._listener);
  }

  /** Stops watching other tabs. */
  unwatch(): void {
    if (this._listener) removeEventListener('storage', this._listener);
    this._listener = null;
  }

  /** Removes every slot of this site, in memory and in storage (used by `shutdown`). */
  clear(): void {
    this._memory.clear();
    try {
      for (const slot of SLOTS) backend()?.removeItem(this.key(slot));
    } catch {
      // Nothing to clear when storage is unavailable.
    }
  }
}
