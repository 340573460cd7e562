// Every Parley bundle: the widget loader (IIFE, what the script tag fetches), the widget core
// with its lazy chunks (ESM), the agent console (ESM) and the relay (Node ESM). Every browser file
// gets a brotli and a gzip copy beside it, which the relay serves by `Accept-Encoding`.
// `PARLEY_TARGETS=widget,console` builds only the named targets.
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import precompress from './scripts/precompress.mjs';

const production = process.env.NODE_ENV !== 'development';
const only = process.env.PARLEY_TARGETS?.split(',').map((t) => t.trim());

/**
 * Empties a chunk directory before its bundle is written: hashed chunks of earlier builds would
 * otherwise pile up there, be served, and be counted by `npm run size`.
 */
const emptyDir = (dir) => ({
  name: 'empty-dir',
  buildStart() {
    rmSync(dir, { recursive: true, force: true });
  },
});

/** TypeScript for one bundle; type errors are reported by `npm run typecheck`, not here. */
const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { noEmit: false, declaration: false, sourceMap: false, incremental: false },
    include: ['packages/*/src/**/*', 'server/src/**/*'],
    exclude: ['**/*.test.ts', '**/*.test.tsx'],
    noEmitOnError: false,
    outputToFilesystem: false,
  });

const browserPlugins = () => [
  nodeResolve({ browser: true, extensions: ['.ts', '.tsx', '.js', '.mjs'] }),
  ts(),
  production &&
    terser({
      ecma: 2020,
      module: true,
      compress: { passes: 2, pure_getters: true },
      format: { comments: false },
      // `_cssText` is part of rrweb's wire format (recorded in the widget, read by the viewer): never renamed.
      mangle: { properties: { regex: /^_[a-z]/, reserved: ['_cssText'] } },
    }),
  // Brotli and gzip copies for the relay to send as they are (`file.js.br`, `file.js.gz`).
  precompress(),
];

const targets = {
  widget: [
    {
      input: 'packages/widget/src/loader.ts',
      output: { file: 'packages/widget/dist/parley.js', format: 'iife', sourcemap: false },
      plugins: browserPlugins(),
    },
    {
      input: { core: 'packages/widget/src/core.ts' },
      plugins: [emptyDir('packages/widget/dist/widget'), ...browserPlugins()],
      // The lazy chunks share the core's modules (protocol, nanoid): core.js exports them too,
      // instead of becoming a facade over a second file the page would have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: {
        dir: 'packages/widget/dist/widget',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        sourcemap: false,
      },
    },
  ],
  console: [
    {
      input: { console: 'packages/console/src/main.tsx', viewer: 'packages/console/src/viewer/viewer.ts' },
      plugins: [emptyDir('packages/console/dist'), ...browserPlugins()],
      output: {
        dir: 'packages/console/dist',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        sourcemap: false,
      },
    },
  ],
  server: [
    {
      input: { cli: 'server/src/cli.ts', index: 'server/src/index.ts' },
      output: { dir: 'server/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      external: [
        ...builtinModules,
        ...builtinModules.map((m) => `node:${m}`),
        'ws',
        'libphonenumber-js',
        'better-sqlite3',
        'nanoid',
        'pg',
        'ioredis',
      ],
      plugins: [nodeResolve({ preferBuiltins: true, extensions: ['.ts', '.js', '.mjs'] }), ts()],
    },
  ],
};

export default Object.entries(targets)
  .filter(([name]) => !only || only.includes(name))
  .flatMap(([, configs]) => configs);
