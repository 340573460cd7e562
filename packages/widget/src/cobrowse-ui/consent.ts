/**
 * The co-browse UI chunk, loaded by the core with `import()` when the first co-browse state that
 * needs it arrives: a request for this tab, or this tab sharing. It holds the consent prompt and
 * the sharing indicator with their words and CSS; the App renders them in its own tree, so focus
 * stays its to manage. Not the recording chunk: rrweb still loads only after consent.
 */
import type { StartCobrowseUi } from '../core/cobrowse-ui-host.js';
import { adoptStyles } from '../ui/adopt-styles.js';
import { CobrowseIndicator } from './CobrowseIndicator.js';
import { CobrowsePrompt } from './CobrowsePrompt.js';
import { CONSENT_CSS } from './consent-styles.js';

/** Starts the co-browse UI for one widget: its CSS goes into `root`, its components to the App. */
export const startConsent: StartCobrowseUi = (root) => {
  if (root) adoptStyles(root, CONSENT_CSS);
  return { Prompt: CobrowsePrompt, Indicator: CobrowseIndicator };
};
