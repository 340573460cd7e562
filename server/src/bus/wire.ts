/**
 * How bus messages travel between nodes, as text. An envelope is a small JSON header, a newline
 * and the frame's JSON: the publisher serialises the frame once, and the receiver keeps that
 * text (`Envelope.frameJson`) for its connections, parsing the frame only if something reads
 * it. JSON never contains a raw newline, so the first one ends the header. Control messages are
 * one JSON object each.
 */
import type { ServerFrame } from '@parley/protocol';
import type { Envelope, Json, Topic } from './bus.js';

/** Everything on the control channels, tagged by `op`. `node` is the sender's node id, `inst` its bus instance. */
export type ControlWire =
  | { op: 'hb'; node: string; inst: string; join?: true; at?: number }
  | { op: 'bye'; node: string; inst: string }
  | { op: 'msg'; node: string; inst: string; kind: string; body: Json }
  | { op: 'req'; node: string; inst: string; id: string; kind: string; body: Json }
  | { op: 'res'; node: string; inst: string; id: string; body: Json }
  | { op: 'res'; node: string; inst: string; id: string; error: string };

/** An envelope received from the wire, with the instance that sent it and when (ms since the epoch). */
export interface WireEnvelope {
  inst: string;
  envelope: Envelope;
  sentAt: number | null;
}

/**
 * Encodes an envelope sent by bus instance `inst` at `sentAt` (for the bus lag metric);
 * `frameJson` is the frame already serialised. Header: `[inst, topics, except or null, sentAt]`,
 * and a fifth element `1` when the envelope is paced (a node that predates it ignores it).
 */
export function encodeEnvelope(inst: string, envelope: Envelope, frameJson: string, sentAt: number): string {
  const header = [inst, envelope.topics, envelope.except ?? null, sentAt];
  if (envelope.paced) header.push(1);
  return `${JSON.stringify(header)}\n${frameJson}`;
}

/**
 * An envelope whose frame is parsed from its text on first read: a node that only forwards the
 * text to its connections never parses it.
 */
class ReceivedEnvelope implements Envelope {
  private parsed: ServerFrame | undefined;

  constructor(
    readonly topics: Topic[],
    readonly frameJson: string,
    readonly except: string | undefined,
    readonly paced: true | undefined,
  ) {}

  get frame(): ServerFrame {
    return (this.parsed ??= JSON.parse(this.frameJson) as ServerFrame);
  }
}

/** Decodes an envelope; null when the text is not one (foreign traffic on a shared Redis). */
export function decodeEnvelope(text: string): WireEnvelope | null {
  const cut = text.indexOf('\n');
  if (cut < 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, cut));
  } catch {
    return null;
  }
  if (!Array.isArray(header) || typeof header[0] !== 'string' || !Array.isArray(header[1])) return null;
  const [inst, topics, except, sentAt, paced] = header as [string, unknown[], unknown, unknown, unknown];
  if (!topics.every((topic) => typeof topic === 'string')) return null;
  if (except !== undefined && except !== null && typeof except !== 'string') return null;
  const frameJson = text.slice(cut + 1);
  const envelope = new ReceivedEnvelope(topics as Topic[], frameJson, typeof except === 'string' ? except : undefined, paced === 1 ? true : undefined);
  return { inst, envelope, sentAt: typeof sentAt === 'number' ? sentAt : null };
}

/** Encodes a control message. */
export function encodeControl(message: ControlWire): string {
  return JSON.stringify(message);
}

const OPS = new Set(['hb', 'bye', 'msg', 'req', 'res']);

/** Decodes a control message; null when the text is not one. */
export function decodeControl(text: string): ControlWire | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (typeof message.op !== 'string' || !OPS.has(message.op)) return null;
  if (typeof message.node !== 'string' || typeof message.inst !== 'string') return null;
  if ((message.op === 'msg' || message.op === 'req') && typeof message.kind !== 'string') return null;
  if ((message.op === 'req' || message.op === 'res') && typeof message.id !== 'string') return null;
  return message as ControlWire;
}
