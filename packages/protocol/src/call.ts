/**
 * Click-to-call and callback frames. A call is WebRTC audio between the visitor and one agent,
 * in a conversation; the relay carries only the signalling (offer, answer, ICE candidates), and
 * only between the two participants. Where a call cannot happen, the visitor asks to be called
 * back: a phone number (stored in E.164), a time window and a note, queued for agents as a task.
 *
 * Flow: either side sends `call.start` -> the other side rings (`call.state` phase `ringing`:
 * the visitor's tabs, or the conversation's assignee, or every agent while it waits in the
 * queue) -> `call.accept` (or `call.decline`, or nobody within `callRingMs`: `missed`) -> both
 * participants get `call.ice` (STUN/TURN servers, TURN credentials issued for this call) and
 * `call.state` phase `connecting` -> the caller sends the offer, the callee the answer, both
 * their ICE candidates (`call.signal`) -> `call.connected` from either side makes it `active`
 * -> `call.end` from either side ends it for both.
 */

/** Who is on each end of a call. */
export type CallParty = 'visitor' | 'agent';

/** Where a call stands. */
export type CallPhase = 'ringing' | 'connecting' | 'active' | 'ended';

/**
 * Why a call ended: `hangup` (after it was answered), `cancelled` (the caller gave up while it
 * rang), `declined`, `missed` (nobody answered within `callRingMs`), `no-microphone` (refused or
 * missing), `failed` (ICE or media could not connect), `disconnected` (a participant's
 * connection dropped and did not come back within `callRejoinMs`).
 */
export type CallEndReason = 'hangup' | 'cancelled' | 'declined' | 'missed' | 'no-microphone' | 'failed' | 'disconnected';

/** The reasons a client may give in `call.end` (the relay decides the others). */
export const CLIENT_END_REASONS = ['hangup', 'cancelled', 'no-microphone', 'failed'] as const;

/** A reason a client may give in `call.end`. */
export type ClientEndReason = (typeof CLIENT_END_REASONS)[number];

/** How a call's line sounds, as both sides hint it. */
export type CallQuality = 'good' | 'weak' | 'poor';

/**
 * Where a call's line turns weak, then poor: the share of audio packets lost (0..1) and the
 * round-trip time (seconds), at the points where people start to notice (a few percent lost, a
 * third of a second of delay) and where talking gets hard. Shared so both sides say the same.
 */
export const CALL_QUALITY_THRESHOLDS = { weakLoss: 0.03, poorLoss: 0.1, weakRtt: 0.3, poorRtt: 0.6 } as const;

/** Grades a line from its recent packet loss share (0..1) and round-trip time (seconds). */
export function gradeCallQuality(loss: number, rtt: number): CallQuality {
  const t = CALL_QUALITY_THRESHOLDS;
  if (loss >= t.poorLoss || rtt >= t.poorRtt) return 'poor';
  if (loss >= t.weakLoss || rtt >= t.weakRtt) return 'weak';
  return 'good';
}

/**
 * A call's duration as the timeline and the widget show it: `m:ss`, minutes counting on past an
 * hour (`75:03`); never negative (clocks that disagree).
 */
export function formatCallDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A call as both sides see it. */
export interface CallInfo {
  callId: string;
  conversationId: string;
  /** Who started it. */
  caller: CallParty;
  phase: CallPhase;
  /** The agent in the call: the one who offered it, or who answered; null while it rings for several. */
  agentId: string | null;
  agentName: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: CallEndReason | null;
  /** Who ended it; null while it lasts, or when the relay ended it (missed, disconnected). */
  endedBy: CallParty | null;
  /**
   * Set by the relay for the receiving connection: true when this connection is a participant
   * (it started the call, or answered it). Ringing connections and onlookers have false.
   */
  mine?: boolean;
}

/** One STUN or TURN server, as `RTCPeerConnection` takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Either side: starts a call in a conversation; `callId` is the caller's nanoid. */
export interface CallStartFrame {
  type: 'call.start';
  conversationId: string;
  callId: string;
}

/** The ringing side answers, or refuses. */
export interface CallAnswerFrame {
  type: 'call.accept' | 'call.decline';
  callId: string;
}

/** A participant's media connected (the relay marks the call active once). */
export interface CallConnectedFrame {
  type: 'call.connected';
  callId: string;
}

/** Either participant ends the call (the caller cancels a ringing one). */
export interface CallEndFrame {
  type: 'call.end';
  callId: string;
  reason: ClientEndReason;
}

/** A WebRTC signalling message. */
export type CallSignal =
  | { kind: 'offer' | 'answer'; sdp: string }
  | { kind: 'ice'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };

/** A participant -> relay -> the other participant only. Ephemeral. */
export interface CallSignalFrame {
  type: 'call.signal';
  callId: string;
  signal: CallSignal;
}

/** Relay -> both participants once the call is answered: the ICE servers for this call. */
export interface CallIceFrame {
  type: 'call.ice';
  callId: string;
  iceServers: IceServer[];
}

/** Relay -> everyone concerned: a call changed (or, on connect, is this). */
export interface CallStateFrame {
  type: 'call.state';
  call: CallInfo;
}

/** What happened to a callback request. */
export type CallbackStatus = 'requested' | 'claimed' | 'done' | 'unreachable';

/** A visitor's request to be phoned back, as stored and shown. */
export interface Callback {
  id: string;
  conversationId: string;
  visitorId: string;
  /** E.164, e.g. `+442071234567`. */
  phone: string;
  /** When the visitor prefers to be called (ms since the epoch), or null for "any time". */
  window: { from: number; to: number } | null;
  note: string | null;
  status: CallbackStatus;
  /** The agent who claimed it (and closed it). */
  agentId: string | null;
  agentName: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * Visitor: asks to be called back. `phone` as typed; the relay parses it (international, or
 * national for `country`, ISO 3166 alpha-2, e.g. from the browser's language) and stores E.164.
 * `clientId` makes a retry the same request.
 */
export interface CallbackRequestFrame {
  type: 'callback.request';
  clientId: string;
  conversationId?: string;
  phone: string;
  country?: string;
  window?: { from: number; to: number };
  note?: string;
}

/** Agent: claims a callback task, or closes it. */
export interface CallbackUpdateFrame {
  type: 'callback.update';
  callbackId: string;
  status: Exclude<CallbackStatus, 'requested'>;
}

/** Agent: lists callback tasks (`open`: requested or claimed; `all`: the latest of any status). */
export interface CallbackListFrame {
  type: 'callback.list';
  filter: 'open' | 'all';
}

/** Relay -> the visitor's tabs and every agent: a callback request was made or changed. */
export interface CallbackUpdatedFrame {
  type: 'callback.updated';
  callback: Callback;
}

/** Relay -> agent: answers `callback.list`, newest first. */
export interface CallbackItemsFrame {
  type: 'callback.items';
  filter: 'open' | 'all';
  callbacks: Callback[];
}

/** Call and callback frames a visitor may send. */
export type VisitorCallFrame = CallStartFrame | CallAnswerFrame | CallConnectedFrame | CallEndFrame | CallSignalFrame | CallbackRequestFrame;

/** Call and callback frames an agent may send. */
export type AgentCallFrame =
  | CallStartFrame
  | CallAnswerFrame
  | CallConnectedFrame
  | CallEndFrame
  | CallSignalFrame
  | CallbackUpdateFrame
  | CallbackListFrame;

/** Call and callback frames the relay sends. */
export type ServerCallFrame = CallStateFrame | CallSignalFrame | CallIceFrame | CallbackUpdatedFrame | CallbackItemsFrame;
