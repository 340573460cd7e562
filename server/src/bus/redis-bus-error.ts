/**
 * The error of a Redis bus that cannot start, in a module of its own so the CLI can recognise it
 * without loading the Redis client.
 */

/** Redis could not be reached or refused this relay at start; the message names the server (never its password) and why. */
export class RedisBusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisBusError';
  }
}
