// Summarises a V8 .cpuprofile: the functions with the most self time (file:line) and self time
// grouped by where the code lives. Also runnable alone: `node scripts/bench/profile-summary.mjs F`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function where(url) {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith('/') ? relative(root, path) : path;
}

/** What part of the system a file belongs to. */
function area(file, name) {
  if (!file) return name.startsWith('(') ? name : '(native)';
  if (file.startsWith('node:')) return `node:${file.split('/')[1] ?? file.slice(5)}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('server/dist')) return 'relay (server/dist)';
  return file;
}

/**
 * Reads a profile and returns the top functions by self time and the self time per area.
 * @returns {{ totalMs: number, top: { ms: number, pct: number, name: string, at: string }[], areas: { ms: number, pct: number, area: string }[] }}
 */
export function summarizeProfile(file, topN = 20) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byArea = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const file = where(url);
    const at = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${name} ${at}`;
    byFunction.set(key, { name, at, us: (byFunction.get(key)?.us ?? 0) + us });
    const a = area(file, name);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const pct = (us) => Math.round((1000 * us) / total) / 10;
  const ms = (us) => Math.round(us / 1000);
  return {
    totalMs: ms(total),
    top: [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((f) => ({ ms: ms(f.us), pct: pct(f.us), name: f.name, at: f.at })),
    areas: [...byArea.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([area_, us]) => ({ ms: ms(us), pct: pct(us), area: area_ })),
  };
}

/** The summary as printable lines. */
export function formatProfile(summary) {
  const lines = [`CPU profile of the Parley relay child: ${summary.totalMs} ms sampled`, '', 'Top self time:'];
  for (const f of summary.top) lines.push(`  ${String(f.pct).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}  ${f.at}`);
  lines.push('', 'Self time by area:');
  for (const a of summary.areas) lines.push(`  ${String(a.pct).padStart(5)}%  ${String(a.ms).padStart(6)} ms  ${a.area}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/bench/profile-summary.mjs <file.cpuprofile> [topN]');
    process.exit(2);
  }
  console.log(formatProfile(summarizeProfile(file, Number(process.argv[3] ?? 25))));
}
