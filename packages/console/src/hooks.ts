/**
 * Small Preact hooks shared by the console's components.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleState } from './store/state.js';
import type { Store } from './store/store.js';

/** The store's current state; re-renders on every change. */
export function useStoreState(store: Store): ConsoleState {
  const [state, setState] = useState(store.getState());
  useEffect(() => {
    // Catch a change that landed between the first render and this subscription.
    setState(store.getState());
    return store.subscribe((next) => setState(next));
  }, [store]);
  return state;
}

/** The current time, refreshed every `everyMs` so relative times and typing expiry stay true. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
