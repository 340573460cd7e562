/**
 * Adds CSS to a shadow root, after the sheets it already has (the core's first, then a chunk's),
 * as a constructable stylesheet, which a strict Content-Security-Policy (`style-src 'self'`)
 * allows. Browsers without constructable stylesheets get a `<style>` element instead; that only
 * works on pages without such a policy, which is all those browsers could do.
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);
}
