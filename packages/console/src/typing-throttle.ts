/**
 * Sends the agent's typing state without flooding the relay: `typing: true` at most once per
 * `repeatMs` while keys are pressed, `typing: false` after `idleMs` without a key or at once
 * when the reply is sent or the agent leaves the conversation.
 */

/** Sends one typing frame. */
export type TypingSender = (conversationId: string, typing: boolean) => void;

/** Timing of the typing frames. */
export interface TypingThrottleOptions {
  repeatMs: number;
  idleMs: number;
}

/** Throttles typing frames for one agent, across conversations. */
export class TypingThrottle {
  private readonly sendTyping: TypingSender;
  private readonly options: TypingThrottleOptions;
  private readonly now: () => number;
  private active: { conversationId: string; sentAt: number; idle: ReturnType<typeof setTimeout> } | null = null;

  constructor(sendTyping: TypingSender, options: TypingThrottleOptions = { repeatMs: 3000, idleMs: 4000 }, now: () => number = Date.now) {
    this.sendTyping = sendTyping;
    this.options = options;
    this.now = now;
  }

  /** The agent pressed a key in the reply box of `conversationId`. */
  input(conversationId: string): void {
    if (this.active && this.active.conversationId !== conversationId) this.stop();
    const now = this.now();
    if (!this.active) {
      this.sendTyping(conversationId, true);
      this.active = { conversationId, sentAt: now, idle: this.idleTimer() };
      return;
    }
    clearTimeout(this.active.idle);
    this.active.idle = this.idleTimer();
    if (now - this.active.sentAt >= this.options.repeatMs) {
      // Repeated so the other side's indicator (which expires) stays up during long replies.
      this.sendTyping(conversationId, true);
      this.active.sentAt = now;
    }
  }

  /** Typing ended (reply sent, box cleared, conversation left). */
  stop(): void {
    if (!this.active) return;
    clearTimeout(this.active.idle);
    const { conversationId } = this.active;
    this.active = null;
    this.sendTyping(conversationId, false);
  }

  private idleTimer(): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.stop(), this.options.idleMs);
  }
}
