/**
 * A minimal observable holder for the console state: the reducer decides, subscribers re-render.
 */
import { reduce, type ConsoleAction } from './reducer.js';
import type { ConsoleState } from './state.js';

/** Called after every dispatch that changed the state, with the state before it. */
export type StoreListener = (state: ConsoleState, previous: ConsoleState, action: ConsoleAction) => void;

/** The console state with dispatch and subscribe. */
export interface Store {
  getState(): ConsoleState;
  dispatch(action: ConsoleAction): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: StoreListener): () => void;
}

/** Creates a store starting at `initial`. */
export function createStore(initial: ConsoleState): Store {
  let state = initial;
  const listeners = new Set<StoreListener>();
  return {
    getState: () => state,
    dispatch(action) {
      const previous = state;
      state = reduce(state, action);
      if (state === previous) return;
      for (const listener of [...listeners]) listener(state, previous, action);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
