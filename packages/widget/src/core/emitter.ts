/** A minimal typed event emitter: the widget's public events and its UI subscriptions. */

/** Listener of one event. */
export type Listener<T> = (value: T) => void;

/** Emits named events to listeners; a throwing listener never stops the others. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly _listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this._listeners.get(event);
    if (!set) this._listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Calls every listener of `event` with `value`. */
  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const listener of [...(this._listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(value);
      } catch (error) {
        // A host page's callback must not break delivery; report it where developers look.
        console.error(error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this._listeners.clear();
  }
}
