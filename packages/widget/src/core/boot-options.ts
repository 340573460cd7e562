/** The options a host page boots the widget with, once the JS API has checked them. */
import type { VisitorUser } from './session.js';

/** Options of `Parley('boot', ...)`. */
export interface BootOptions {
  siteKey: string;
  /** `en` or `ko`; defaults to the browser's language. */
  language?: string;
  /** Store the session at once, without waiting for the visitor to interact. */
  persist?: boolean;
  /** The host page's signed-in user. */
  user?: VisitorUser;
  /** Co-browse settings. */
  cobrowse?: CobrowseOptions;
}

/** Options of co-browse (`boot({ cobrowse })`). */
export interface CobrowseOptions {
  /**
   * CSS selectors of fields whose values agents may see (and, with remote control, type into).
   * Every other input, textarea and select shows agents a fixed mask; password and hidden inputs
   * always do, whatever these say.
   */
  unmask?: string[];
}
