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
}
