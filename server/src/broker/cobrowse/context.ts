/** What co-browse actions see: the broker's context with this node's co-browse sessions beside it. */
import type { BrokerContext } from '../context.js';
import type { CobrowseHub } from './hub.js';

/** The broker's context as the co-browse capability extends it (see `capability.ts`). */
export interface CobrowseContext extends BrokerContext {
  /** Co-browse sessions of this node (in memory; see `hub.ts`). */
  readonly cobrowse: CobrowseHub;
}
