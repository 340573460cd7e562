/**
 * The in-process Bus of a single relay node: publishing calls every subscriber synchronously,
 * so a frame reaches local connections in the order it was published.
 */
import type { Bus, BusHandler, Envelope } from './bus.js';

/** A Bus inside one process. */
export class MemoryBus implements Bus {
  private readonly handlers = new Set<BusHandler>();
  private closed = false;

  /** Delivers the envelope to every subscriber; a failing subscriber does not stop the others. */
  publish(envelope: Envelope): void {
    if (this.closed) return;
    for (const handler of this.handlers) {
      try {
        handler(envelope);
      } catch {
        // A subscriber's failure is its own; the other subscribers still get the envelope.
      }
    }
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Drops every subscriber. */
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
