/**
 * Where the built artifacts live. End-to-end tests drive the BUILT relay, widget and console,
 * as a customer would, so a missing build is reported with the command that makes it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The relay command (`parley`), as the server package's bin names it. */
export const RELAY_BIN = join(ROOT, 'server/bin/parley.js');

/** Files that must exist before any end-to-end test can run. */
const BUILT = ['server/bin/parley.js', 'server/dist/cli.js', 'packages/widget/dist/parley.js', 'packages/widget/dist/widget/core.js', 'packages/console/dist/console.js'];

/** Throws a readable error naming the missing files when the build has not run. */
export function assertBuilt(): void {
  const missing = BUILT.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(`Missing build output (run \`npm run build\` first): ${missing.join(', ')}`);
  }
}
