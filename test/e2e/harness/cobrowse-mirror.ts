/**
 * Reading the agent's mirror and the visitor's page with the same probes. The mirror is the
 * rrweb iframe (`iframe[data-parley-mirror]`) inside the console's viewer iframe; no script runs
 * in it, so it is read from the viewer document (same origin) through `contentDocument`.
 */
import type { Frame, Page } from 'playwright-core';
import { COBROWSE_BLOCK_SELECTOR, COBROWSE_MASK_TEXT_SELECTOR } from '@parley/protocol';

/** An element box in document coordinates (scroll offsets added), CSS pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What one selector finds in a document. */
export interface ElementProbe {
  selector: string;
  found: boolean;
  /** `textContent` with whitespace collapsed. */
  text: string;
  box: Box | null;
  /** A form field's current value (not its attribute); null for other elements. */
  value: string | null;
  /** True when the element is (inside) a blocked or text-masked element, whose text is never sent. */
  concealed: boolean;
}

/** Elements whose text never reaches the mirror: blocked ones and text-masked ones. */
const CONCEALED = `${COBROWSE_BLOCK_SELECTOR}, ${COBROWSE_MASK_TEXT_SELECTOR}`;

/** Which document a probe reads: the frame's own, or the mirror inside it. */
type Target = 'self' | 'mirror';

/** Runs in the browser: reads `selectors` in the frame's document or in its mirror iframe. */
function probeDocument({ target, selectors, concealed }: { target: Target; selectors: string[]; concealed: string }): ElementProbe[] {
  const doc =
    target === 'self'
      ? document
      : ((document.querySelector('iframe[data-parley-mirror]') as HTMLIFrameElement | null)?.contentDocument ?? null);
  const view = doc?.defaultView;
  return selectors.map((selector) => {
    const element = doc?.querySelector(selector) ?? null;
    if (!element || !view) return { selector, found: false, text: '', box: null, value: null, concealed: false };
    const rect = element.getBoundingClientRect();
    const field = element as Partial<HTMLInputElement>;
    return {
      selector,
      found: true,
      text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
      box: { x: rect.left + view.scrollX, y: rect.top + view.scrollY, width: rect.width, height: rect.height },
      value: /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) ? String(field.value ?? '') : null,
      concealed: element.closest(concealed) !== null || element.querySelector(concealed) !== null,
    };
  });
}

/** The console's viewer frame (throws while there is none). */
export async function viewerFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('iframe[title="Visitor\'s page"]').elementHandle({ timeout: 5_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('The console shows no co-browse viewer.');
  return frame;
}

/** Probes `selectors` in the agent's mirror. */
export async function mirrorElements(page: Page, selectors: string[]): Promise<ElementProbe[]> {
  return (await viewerFrame(page)).evaluate(probeDocument, { target: 'mirror' as Target, selectors, concealed: CONCEALED });
}

/** Probes `selectors` on the visitor's page. */
export function pageElements(page: Page, selectors: string[]): Promise<ElementProbe[]> {
  return page.evaluate(probeDocument, { target: 'self' as Target, selectors, concealed: CONCEALED });
}

/** The mirror's layout viewport (the size the visitor's viewport is replayed at). */
export async function mirrorViewport(page: Page): Promise<{ width: number; height: number } | null> {
  return (await viewerFrame(page)).evaluate(() => {
    const view = (document.querySelector('iframe[data-parley-mirror]') as HTMLIFrameElement | null)?.contentWindow;
    return view ? { width: view.innerWidth, height: view.innerHeight } : null;
  });
}

/** The mirror document's title (the visitor's page title as last replayed). */
export async function mirrorTitle(page: Page): Promise<string | null> {
  return (await viewerFrame(page)).evaluate(() => {
    const doc = (document.querySelector('iframe[data-parley-mirror]') as HTMLIFrameElement | null)?.contentDocument;
    return doc ? doc.title : null;
  });
}

/**
 * Everything the console's documents hold as text: the console page, the viewer and the mirror
 * (reached through same-origin `contentDocument`s, so no script has to run in the mirror), each
 * as serialised HTML plus every form field's live value and every open shadow root, which
 * serialised HTML leaves out.
 */
export async function consoleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const visit = (doc: Document): void => {
      out.push(doc.documentElement.outerHTML);
      for (const el of Array.from(doc.querySelectorAll('*'))) {
        if (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) out.push((el as HTMLInputElement).value);
        if (el.shadowRoot) out.push(el.shadowRoot.innerHTML);
        if (el.tagName === 'IFRAME') {
          const inner = (el as HTMLIFrameElement).contentDocument;
          if (inner) visit(inner);
        }
      }
    };
    visit(document);
    return out;
  });
}

/**
 * Where a point of a mirror element is on the console page: fractions `fx`, `fy` of the
 * element's box, through the viewer iframe and the (scaled) mirror iframe.
 */
export async function mirrorPointOnPage(page: Page, selector: string, fx = 0.5, fy = 0.5): Promise<{ x: number; y: number }> {
  const outer = await page.locator('iframe[title="Visitor\'s page"]').evaluate((iframe) => {
    const rect = iframe.getBoundingClientRect();
    const el = iframe as HTMLIFrameElement;
    return { left: rect.left, top: rect.top, scale: rect.width / (el.offsetWidth || rect.width), borderX: el.clientLeft, borderY: el.clientTop };
  });
  const inner = await (await viewerFrame(page)).evaluate(
    ({ selector, fx, fy }) => {
      const iframe = document.querySelector('iframe[data-parley-mirror]') as HTMLIFrameElement | null;
      const element = iframe?.contentDocument?.querySelector(selector);
      if (!iframe || !element) return null;
      const frameRect = iframe.getBoundingClientRect();
      const scale = frameRect.width / (iframe.offsetWidth || frameRect.width);
      const rect = element.getBoundingClientRect();
      return {
        x: frameRect.left + scale * (iframe.clientLeft + rect.left + fx * rect.width),
        y: frameRect.top + scale * (iframe.clientTop + rect.top + fy * rect.height),
      };
    },
    { selector, fx, fy },
  );
  if (!inner) throw new Error(`The mirror holds no ${selector}.`);
  return {
    x: outer.left + outer.scale * (outer.borderX + inner.x),
    y: outer.top + outer.scale * (outer.borderY + inner.y),
  };
}

/** How far apart a mirror box may be from the visitor's box, in CSS pixels per edge. */
export const BOX_TOLERANCE_PX = 2;

/**
 * Where the mirror differs from the visitor's page for `selectors`: presence, text (except where
 * the privacy rules hide it), and boxes beyond `tolerance` pixels. Empty when they match.
 */
export async function mirrorMismatches(visitor: Page, agent: Page, selectors: string[], tolerance = BOX_TOLERANCE_PX): Promise<string[]> {
  const [seen, mirrored] = await Promise.all([pageElements(visitor, selectors), mirrorElements(agent, selectors).catch(() => [])]);
  const out: string[] = [];
  seen.forEach((expected, i) => {
    const actual = mirrored[i];
    if (!actual || actual.found !== expected.found) {
      out.push(`${expected.selector}: ${expected.found ? 'missing from' : 'still in'} the mirror`);
      return;
    }
    if (!expected.found) return;
    if (!expected.concealed && actual.text !== expected.text) out.push(`${expected.selector}: text ${JSON.stringify(actual.text)} != ${JSON.stringify(expected.text)}`);
    const a = actual.box!;
    const e = expected.box!;
    const off = Math.max(Math.abs(a.x - e.x), Math.abs(a.y - e.y), Math.abs(a.x + a.width - e.x - e.width), Math.abs(a.y + a.height - e.y - e.height));
    if (off > tolerance) out.push(`${expected.selector}: box ${JSON.stringify(a)} != ${JSON.stringify(e)} (off by ${off.toFixed(1)} px)`);
  });
  return out;
}
