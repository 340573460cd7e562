/**
 * The widget core, loaded by the loader with `import()`: takes over the command queue, boots
 * the widget and mounts its UI. Co-browse and call never load from here statically.
 */
import { Api } from './core/api.js';
import type { CommandCall } from './core/api.js';
import { mountUi } from './ui/mount.js';

export type { BootOptions, CobrowseOptions } from './core/boot-options.js';
export type { IdentifyOptions } from './core/visitor-reports.js';
export type { PublicMessage, CobrowseEvent, CallEvent } from './core/widget-events.js';
export type { PublicEvent, CommandCall } from './core/api.js';

/** What the loader hands over. */
export interface CoreStartOptions {
  /** The relay's origin, e.g. `https://chat.example.com`. */
  origin: string;
  /** Commands queued before the core arrived, in order. */
  queue: readonly CommandCall[];
}

/** Starts the core: runs the queued commands and returns the function later commands go to. */
export function start(options: CoreStartOptions): (call: CommandCall) => unknown {
  const api = new Api(options.origin, mountUi);
  for (const call of options.queue) api.run(call);
  return (call) => api.run(call);
}
