/**
 * What went wrong on a page, collected while a test runs: uncaught errors, console errors and
 * Content-Security-Policy violations (seen through the `securitypolicyviolation` event, which
 * the probe records from before the page's first script).
 */
import type { Page } from 'playwright-core';

/** One CSP violation as the browser reported it. */
export interface CspViolation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
}

/** Errors collected from one page. */
export interface PageDiagnostics {
  pageErrors: string[];
  consoleErrors: string[];
  /** Console messages that mention a Content Security Policy. */
  cspConsole: string[];
  /** Violations seen by the page itself. */
  cspViolations(): Promise<CspViolation[]>;
}

/** Starts collecting diagnostics for `page`; call before `page.goto`. */
export async function watchPage(page: Page): Promise<PageDiagnostics> {
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const cspConsole: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[ -]Security[ -]Policy/i.test(text)) cspConsole.push(text);
    if (message.type() === 'error') consoleErrors.push(text);
  });
  await page.addInitScript(() => {
    const seen: unknown[] = [];
    Object.defineProperty(window, '__parleyCsp', { value: seen });
    // Capture phase on window: the event is composed, so violations inside shadow roots count too.
    window.addEventListener(
      'securitypolicyviolation',
      (event) => {
        seen.push({ directive: event.violatedDirective, blockedURI: event.blockedURI, sourceFile: event.sourceFile });
      },
      true,
    );
  });
  return {
    pageErrors,
    consoleErrors,
    cspConsole,
    cspViolations: () =>
      page.evaluate(() => ((window as unknown as { __parleyCsp?: CspViolation[] }).__parleyCsp ?? []).slice()),
  };
}
