/**
 * The relay's log: one line per event on stderr, so stdout stays for the few lines tests and
 * users read (the listening line, URLs, first-start credentials). Two formats: `text` for people
 * (`<time> <level> <message> <data as JSON>`) and `json` for log collectors (one object per line:
 * `time`, `level`, `msg`, `node` once known, then the data's fields).
 */
import type { LogFormat, LogLevel } from './options.js';

/** Where relay components report what happened. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Facts every line carries once they are known (the node's name is known after listening). */
export interface LogContext {
  node?: string;
}

/** Where lines go; stderr unless a test captures them. */
export type LogSink = (line: string) => void;

const toStderr: LogSink = (line) => void process.stderr.write(line);

/** Keys of a JSON line the data's fields must not overwrite. */
const RESERVED = new Set(['time', 'level', 'msg', 'node']);

/** A logger at the given level and format; `context` may be filled in later. */
export function createLogger(level: LogLevel, format: LogFormat = 'text', context: LogContext = {}, sink: LogSink = toStderr): Logger {
  const write = format === 'json' ? jsonLine : textLine;
  return {
    info: (message, data) => {
      if (level === 'info') sink(write('info', message, data, context));
    },
    error: (message, data) => {
      if (level !== 'silent') sink(write('error', message, data, context));
    },
  };
}

function textLine(level: string, message: string, data: Record<string, unknown> | undefined): string {
  const extra = data ? ` ${stringify(data)}` : '';
  return `${new Date().toISOString()} ${level} ${message}${extra}\n`;
}

function jsonLine(level: string, message: string, data: Record<string, unknown> | undefined, context: LogContext): string {
  const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
  if (context.node !== undefined) line.node = context.node;
  if (data) {
    // A field named like a reserved key keeps its value under a prefixed name.
    for (const [key, value] of Object.entries(data)) line[RESERVED.has(key) ? `data_${key}` : key] = value;
  }
  return `${stringify(line)}\n`;
}

/** JSON with errors spelled out; never throws: a field that cannot be written (a cycle, a BigInt) becomes a note. */
function stringify(value: Record<string, unknown>): string {
  try {
    return JSON.stringify(value, errorReplacer);
  } catch {
    const safe: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      try {
        JSON.stringify(field, errorReplacer);
        safe[key] = field;
      } catch (error) {
        safe[key] = `[unserializable: ${error instanceof Error ? error.message : String(error)}]`;
      }
    }
    return JSON.stringify(safe, errorReplacer);
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
