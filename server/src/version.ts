/** The relay's version, reported by `/healthz` and `parley help`. */
export const RELAY_VERSION = '0.1.0';
