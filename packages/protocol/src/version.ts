/**
 * The wire protocol version. Every connection opens with a `hello` frame naming it; a relay
 * refuses a client that speaks another version (error `version_mismatch`, close 4000).
 */
export const PROTOCOL_VERSION = 1;
