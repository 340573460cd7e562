/**
 * Where the relay finds the files it serves: the built widget and console, and the demo page.
 * Found from the relay's own location, so it works from the sources (tests) and from the build.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directories of served files. */
export interface AssetPaths {
  /** `packages/widget/dist`: `parley.js` and `widget/`. */
  widgetDir: string;
  /** `packages/console/dist`. */
  consoleDir: string;
  /** `examples/demo`. */
  demoDir: string;
}

/** The repository root: the nearest folder above this file holding `packages/` and `server/`. */
export function findRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'packages')) && existsSync(join(dir, 'server'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, '..', '..');
    dir = parent;
  }
}

/** The served directories under a root. */
export function assetPaths(root: string = findRoot()): AssetPaths {
  return {
    widgetDir: join(root, 'packages', 'widget', 'dist'),
    consoleDir: join(root, 'packages', 'console', 'dist'),
    demoDir: join(root, 'examples', 'demo'),
  };
}
