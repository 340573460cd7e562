/**
 * The widget as a module, for apps that bundle it instead of using the script tag: `start`
 * takes the relay origin and the commands to run, and returns the `Parley(...)` dispatcher.
 */
export { start } from './core.js';
export type { CoreStartOptions, BootOptions, CobrowseOptions, CobrowseEvent, CallEvent, IdentifyOptions, PublicMessage, PublicEvent, CommandCall } from './core.js';
