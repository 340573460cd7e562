/** What call actions see: the broker's context with this node's calls beside it. */
import type { BrokerContext } from '../context.js';
import type { CallHub } from './hub.js';

/** The broker's context as the calls capability extends it (see `capability.ts`). */
export interface CallContext extends BrokerContext {
  /** Calls of this node (in memory; see `hub.ts`). */
  readonly calls: CallHub;
}
