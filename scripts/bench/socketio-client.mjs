// The load generators' Socket.IO client path (socket.io-client, WebSocket transport only). A
// connection is wrapped to look like the `ws` sockets the workloads drive: `send(text)` of a
// `chat.send` or `conversation.open` frame becomes the Socket.IO emit, and the ack and each
// `chat.message` event come back as `message` events carrying the same JSON the Parley and bare
// relays send, so throughput, delivery, stalled consumer and storm code is shared unchanged.
// That translation costs the load generator a JSON pass per frame, not the relay.
import { EventEmitter } from 'node:events';
import { io } from 'socket.io-client';

/** A Socket.IO connection with the part of the `ws` WebSocket interface the workloads use. */
export class SocketIoConnection extends EventEmitter {
  /** @param {import('socket.io-client').Socket} socket a connected socket */
  constructor(socket) {
    super();
    this.socket = socket;
    socket.on('chat.message', (message) => this.emit('message', Buffer.from(JSON.stringify({ type: 'chat.message', message }))));
    socket.on('disconnect', (reason) => this.emit('close', reason));
  }

  /** Sends a `chat.send` (acked) or `conversation.open` frame given as JSON text. */
  send(text) {
    const frame = JSON.parse(text);
    if (frame.type === 'chat.send') {
      const { conversationId, clientId } = frame;
      this.socket.emit('chat.send', { conversationId, clientId, text: frame.text }, (ack) =>
        this.emit('message', Buffer.from(JSON.stringify({ type: 'chat.ack', ...ack }))),
      );
    } else if (frame.type === 'conversation.open') this.socket.emit('conversation.open', frame.conversationId);
  }

  /** Joins a room and resolves once the relay acknowledged it. */
  join(conversationId) {
    return new Promise((resolve) => this.socket.emit('conversation.open', conversationId, resolve));
  }

  /** The TCP socket under the WebSocket transport (the stalled consumer pauses it). */
  get _socket() {
    return this.socket.io.engine.transport.ws._socket;
  }

  /** Closes the connection for good. */
  terminate() {
    this.socket.disconnect();
  }
}

/**
 * Opens one Socket.IO connection of its own (no multiplexing, no automatic reconnect: the storm
 * reconnects as the widget does, the same for every relay); resolves once connected.
 * @param {string} origin `http://host:port` @param {Record<string, string>} auth
 */
export function connectSocketIo(origin, auth = {}) {
  const socket = io(origin, { transports: ['websocket'], forceNew: true, reconnection: false, auth, timeout: 30_000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('connect_error');
      resolve(new SocketIoConnection(socket));
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
