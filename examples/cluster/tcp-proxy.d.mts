/** A backend the proxy sends connections to. */
export interface Backend {
  host: string;
  port: number;
}

/** The proxy, listening. */
export interface TcpProxy {
  /** `http://<host>:<port>`: what clients connect to. */
  readonly url: string;
  readonly port: number;
  /** Replaces the backends (a node restarted on a new port, one added or taken out). */
  setBackends(backends: Backend[]): void;
  /** Client connections open through the proxy now, by backend port. */
  connectionsByBackend(): Map<number, number>;
  /** Stops listening and cuts every piped connection. */
  close(): Promise<void>;
}

/** Starts the proxy on `host:port` (default a free loopback port) in front of `backends`. */
export function startTcpProxy(backends: Backend[], options?: { host?: string; port?: number }): Promise<TcpProxy>;
