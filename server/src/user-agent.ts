/**
 * Browser and operating system from a User-Agent header, for the agent's visitor context.
 * Deliberately small: the common browsers and systems by their tell-tale tokens, most
 * specific first (Edge and Opera also say "Chrome"; Chrome also says "Safari").
 */

/** What the console shows about a visitor's device. */
export interface DeviceInfo {
  /** For example `Chrome 120`; null when unknown. */
  browser: string | null;
  /** For example `macOS`; null when unknown. */
  os: string | null;
}

const BROWSERS: readonly [name: string, pattern: RegExp][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /(?:OPR|Opera)\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: readonly [name: string, pattern: RegExp][] = [
  ['iOS', /iPhone|iPad|iPod/],
  ['Android', /Android/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

/** Parses a User-Agent header into browser (with major version) and OS. */
export function parseUserAgent(ua: string | undefined): DeviceInfo {
  if (!ua) return { browser: null, os: null };
  let browser: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? null;
  return { browser, os };
}
