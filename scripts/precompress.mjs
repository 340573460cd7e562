// A rollup plugin that writes a brotli (`.br`) and a gzip (`.gz`) copy beside every browser file
// of a bundle, once, at build time: the relay then sends the smallest coding a browser accepts
// without compressing anything per request (server/src/http/static-files.ts). Node's own zlib,
// at its strongest settings, since the cost is paid once per build.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** File types worth compressing (images and fonts already are). */
const COMPRESSIBLE = /\.(?:m?js|css|html|json|svg|map|txt)$/;

/** The two precompressed copies of `content`, as the relay serves them. */
export function precompressed(content) {
  return {
    '.br': brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
    '.gz': gzipSync(content, { level: 9 }),
  };
}

/** The plugin: after rollup wrote the bundle, writes `<file>.br` and `<file>.gz` beside each file. */
export default function precompress() {
  return {
    name: 'precompress',
    writeBundle(options, bundle) {
      const dir = options.dir ?? dirname(options.file);
      for (const name of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(name)) continue;
        const file = join(dir, name);
        const content = readFileSync(file);
        for (const [suffix, data] of Object.entries(precompressed(content))) {
          // A copy no smaller than the file is never worth sending; one left from a build before goes.
          if (data.length < content.length) writeFileSync(file + suffix, data);
          else rmSync(file + suffix, { force: true });
        }
      }
    },
  };
}
