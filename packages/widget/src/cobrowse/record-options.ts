/**
 * The rrweb recorder's settings: privacy first (every field masked, marked elements blocked,
 * marked text masked, the widget itself never captured), then size (no canvas, fonts or inline
 * images; scripts and comments left out; pointer moves and scrolls sampled).
 */
import { COBROWSE_BLOCK_SELECTOR, COBROWSE_MASK_TEXT_SELECTOR } from '@parley/protocol';
import type { record } from '@rrweb/record';
import type { RecordedEvent } from './event-batcher.js';
import { maskInputValue, maskText } from './masking.js';

/** rrweb's record options. */
export type RecordOptions = NonNullable<Parameters<typeof record>[0]>;

/** Never captured: the site's private elements and the widget's own shadow host. */
export const BLOCK_SELECTOR = `${COBROWSE_BLOCK_SELECTOR}, [data-parley-widget]`;

/** How often a fresh full snapshot starts a new checkpoint, so the relay's stays small. */
export const CHECKOUT_MS = 120_000;

/**
 * Which fields rrweb hands to the mask function. rrweb's own `maskAllInputs` list leaves out
 * hidden inputs (and unknown types); naming the tags covers every input, textarea and select.
 */
const MASK_ALL_FIELDS = { input: true, textarea: true, select: true, password: true } as RecordOptions['maskInputOptions'];

/** The options for `record`, given where events go and the site's unmasked fields. */
export function recordOptions(emit: (event: RecordedEvent) => void, unmask: readonly string[]): RecordOptions {
  return {
    // Every rrweb event has a numeric `type`; the rest travels as it is.
    emit: (event) => emit(event as RecordedEvent),
    checkoutEveryNms: CHECKOUT_MS,
    blockSelector: BLOCK_SELECTOR,
    maskTextSelector: COBROWSE_MASK_TEXT_SELECTOR,
    maskTextFn: maskText,
    maskInputOptions: MASK_ALL_FIELDS,
    maskInputFn: maskInputValue(unmask),
    slimDOMOptions: { script: true, comment: true, headFavicon: true, headWhitespace: true, headMetaSocial: true, headMetaRobots: true, headMetaVerification: true },
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    recordCrossOriginIframes: false,
    sampling: { mousemove: 50, scroll: 100, media: 800 },
  };
}
