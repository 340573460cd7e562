/**
 * The Bus: how relay nodes tell each other what to deliver. The broker publishes an envelope
 * naming topics; every node (this one included) receives it and hands the frame to its own
 * connections subscribed to any of those topics. The in-process `MemoryBus` is the default; a
 * Redis bus plugs in behind the same interface for scale-out. The bus only signals: storage is
 * the source of truth, so a lost envelope is repaired by the client's seq catch-up.
 */
import type { ServerFrame } from '@parley/protocol';

/**
 * Delivery topics. `visitor:<id>`: every connection of a visitor (all tabs, all devices);
 * `agent:<id>`: every connection of an agent; `conversation:<id>`: agent connections that
 * opened the conversation; `agents:<siteId>`: connections of the agents and supervisors who
 * belong to the site; `admins`: every admin connection (admins serve every site);
 * `site:<siteId>`: every visitor connection of the site.
 */
export type Topic = `visitor:${string}` | `agent:${string}` | `conversation:${string}` | `agents:${string}` | 'admins' | `site:${string}`;

/** One frame for the connections subscribed to any of `topics` (each gets it once). */
export interface Envelope {
  topics: Topic[];
  frame: ServerFrame;
  /** A connection id that must not receive it (the sender of a typing frame, say). */
  except?: string;
}

/** Receives every envelope published on the bus, by any node. */
export type BusHandler = (envelope: Envelope) => void;

/** The publish/subscribe channel between relay nodes. */
export interface Bus {
  /** Sends an envelope to every node, this one included. */
  publish(envelope: Envelope): void;
  /** Calls `handler` for every envelope; returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;
  /** Stops delivering; no call may follow. */
  close(): Promise<void>;
}
