/**
 * The agent's typing line. It goes off when their message arrives or the link drops, and also
 * after `AGENT_TYPING_MS` without a refresh: a lost "stopped typing" frame must not leave it on.
 */

/** An agent typing signal without refresh expires after this long. */
export const AGENT_TYPING_MS = 8_000;

/** Whether the agent is typing, with its expiry. */
export class AgentTyping {
  private _typing = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  /** `onChange` runs whenever `typing` flips. */
  constructor(
    private readonly _onChange: () => void,
    private readonly _expireMs = AGENT_TYPING_MS,
  ) {}

  /** True while the line shows. */
  get typing(): boolean {
    return this._typing;
  }

  /** Takes the agent's signal; `true` (re)starts the expiry. */
  update(typing: boolean): void {
    clearTimeout(this._timer);
    if (typing) this._timer = setTimeout(() => this.update(false), this._expireMs);
    if (typing === this._typing) return;
    this._typing = typing;
    this._onChange();
  }

  /** Cancels the expiry timer (the widget stops). */
  stop(): void {
    clearTimeout(this._timer);
  }
}
