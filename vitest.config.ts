import { defineConfig } from 'vitest/config';

/**
 * Test projects split by environment: `unit` runs in node (protocol, storage, broker, relay
 * integration) and happy-dom (fast UI units named *.dom.test.ts*); `e2e` drives Debian's
 * Chromium against a real relay serving the BUILT bundles. The projects run in parallel, so no
 * test builds anything: `npm test` builds once before (`server/test/kill.test.ts` runs the built
 * relay too; `npm run test:unit` builds the relay first).
 */
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'server/src/**/*.test.ts', 'server/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.dom.test.*'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          include: ['packages/*/src/**/*.dom.test.tsx', 'packages/*/src/**/*.dom.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
