/**
 * The handlers of one bus event. Each runs in isolation: a throw, or a rejected promise from an
 * async handler, is reported and the others still run. A handler may remove itself (or others)
 * while the event is being handled.
 */
export class Listeners<A extends unknown[]> {
  private readonly handlers = new Set<(...args: A) => unknown>();

  /** Adds a handler; returns the function that removes it. */
  add(handler: (...args: A) => unknown): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  /** Calls every handler with `args`; `failed` hears of each failure. */
  emit(args: A, failed: (error: unknown) => void): void {
    for (const handler of [...this.handlers]) {
      try {
        const result = handler(...args);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  }

  /** Removes every handler. */
  clear(): void {
    this.handlers.clear();
  }

  /** True when nobody listens. */
  get empty(): boolean {
    return this.handlers.size === 0;
  }
}
