/**
 * The relay's log: one line per event on stderr, so stdout stays for the few lines tests and
 * users read (the listening line, URLs, first-start credentials).
 */
import type { LogLevel } from './options.js';

/** Where relay components report what happened. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A logger writing to stderr at the given level. */
export function createLogger(level: LogLevel): Logger {
  const write = (tag: string, message: string, data?: Record<string, unknown>): void => {
    const extra = data ? ` ${JSON.stringify(data, errorReplacer)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${tag} ${message}${extra}\n`);
  };
  return {
    info: (message, data) => {
      if (level === 'info') write('info', message, data);
    },
    error: (message, data) => {
      if (level !== 'silent') write('error', message, data);
    },
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
