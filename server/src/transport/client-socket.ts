/**
 * The `ws` WebSocket class the relay's server creates for each client. It only adds a link to
 * the socket's `Connection`, so that socket events can reach it through listeners shared by
 * every socket (which `ws` calls with the socket as `this`) instead of closures made per socket:
 * at tens of thousands of idle connections every per-socket object counts.
 */
import { WebSocket } from 'ws';
import type { Connection } from './connection.js';

/** A client WebSocket that knows its connection. */
export class ClientSocket extends WebSocket {
  /** The connection running this socket; set once, right after the upgrade. */
  connection: Connection | null = null;
}
