/**
 * Every limit shared by widget and relay, with its default, in one place. The relay merges
 * its options over these defaults (`server/src/options.ts`); the widget reads them to refuse
 * oversize input before it is ever sent.
 */
export interface Limits {
  /** Largest inbound WebSocket frame, in bytes. Larger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Longest chat message, in UTF-16 code units, after trimming. */
  maxTextLength: number;
  /** Longest visitor attribute or identity field (name, email, user id, URL, title), in characters. */
  maxFieldLength: number;
  /** Most attributes or event properties carried in one frame. */
  maxProps: number;
  /** Most conversations a `hello` may ask to resume. */
  maxResume: number;
  /** Frames a connection may send per second, sustained (token bucket refill rate). */
  framesPerSecond: number;
  /** Frames a connection may send in a burst (token bucket size). */
  frameBurst: number;
  /** Refused frames (invalid, forbidden, rate limited) a connection may send before it is closed. */
  maxErrors: number;
  /** Most messages a `chat.messages` reply carries; a client asks again from the last seq for more. */
  maxSyncBatch: number;
  /** Interval of the relay's heartbeat ping, in milliseconds; a peer silent for two intervals is dropped. */
  heartbeatMs: number;
  /** Bytes queued to a slow consumer before the relay cuts it off (it resumes later from its seq). */
  maxBufferedBytes: number;
  /** How long the `hello` frame may take after the upgrade, in milliseconds. */
  helloTimeoutMs: number;
  /** Co-browse frames (page events, pointer, control) a connection may send per second, sustained. */
  cobrowseFramesPerSecond: number;
  /** Co-browse frames a connection may send in a burst (a full snapshot split into parts). */
  cobrowseFrameBurst: number;
  /** Bytes of page data the relay keeps per sharing session for agents who join late. */
  cobrowseCheckpointBytes: number;
  /** How long a consent outlives its sharing tab's connection (a full page load), in milliseconds. */
  cobrowseResumeMs: number;
  /** How long a co-browse request waits for the visitor's answer, in milliseconds. */
  cobrowseRequestMs: number;
  /** How long a call rings before it is missed, in milliseconds. */
  callRingMs: number;
  /** How long a call outlives a participant's dropped connection (a reload, a flaky network), in milliseconds. */
  callRejoinMs: number;
  /** Callback requests a visitor may make per day. */
  callbacksPerDay: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxTextLength: 4000,
  maxFieldLength: 512,
  maxProps: 32,
  maxResume: 20,
  framesPerSecond: 20,
  frameBurst: 60,
  maxErrors: 20,
  maxSyncBatch: 200,
  heartbeatMs: 25_000,
  maxBufferedBytes: 1024 * 1024,
  helloTimeoutMs: 10_000,
  cobrowseFramesPerSecond: 60,
  cobrowseFrameBurst: 300,
  cobrowseCheckpointBytes: 8 * 1024 * 1024,
  cobrowseResumeMs: 60_000,
  cobrowseRequestMs: 120_000,
  callRingMs: 30_000,
  callRejoinMs: 15_000,
  callbacksPerDay: 5,
});
