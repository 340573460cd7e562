/**
 * Turns keystrokes into few typing frames: `true` at most once per `refreshMs` while the visitor
 * types, `false` after `idleMs` without a keystroke or when the message is sent.
 */

/** Throttles the visitor's typing signal. */
export class TypingSender {
  private _typing = false;
  private _lastSent = 0;
  private _idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly _send: (typing: boolean) => void,
    private readonly _idleMs = 3000,
    private readonly _refreshMs = 3000,
  ) {}

  /** The visitor pressed a key in the composer. */
  input(now = Date.now()): void {
    if (!this._typing || now - this._lastSent >= this._refreshMs) {
      this._typing = true;
      this._lastSent = now;
      this._send(true);
    }
    clearTimeout(this._idle);
    this._idle = setTimeout(() => this.stop(), this._idleMs);
  }

  /** The visitor sent the message, left, or went idle. */
  stop(): void {
    clearTimeout(this._idle);
    if (!this._typing) return;
    this._typing = false;
    this._send(false);
  }
}
