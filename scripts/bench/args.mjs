// Command-line flags of `npm run bench`, with their defaults.
import { resolve } from 'node:path';

const HELP = `Usage: npm run bench -- [flags]
  --rooms N      rooms (visitor + agent side), one message in flight each  (default 200)
  --agents K     agent connections sharing the rooms                      (default 4)
  --duration S   measured seconds per relay                               (default 10)
  --warmup S     warm-up seconds before measuring                         (default 2)
  --idle N       idle visitor connections for the memory figure           (default 2000)
  --loaders L    load-generator processes, 1 or 2                        (default 1)
  --quick        smoke run: 2 s measured, 1 s warm-up (idle count unchanged: below ~2000 the
                 young-generation heap size dominates the per-connection RSS figure)
  --relay PATH   the built relay module to load (default server/dist/index.js), to compare builds
  --cpu-prof     write a CPU profile of the Parley relay child and print its top functions
  --help`;

/** Reads the flags; exits with the usage on --help or a bad flag. */
export function parseArgs(argv) {
  const opts = { rooms: 200, agents: 4, duration: 10, warmup: 2, idle: 2000, loaders: 1, quick: false, cpuProf: false, relay: null };
  const numeric = new Set(['rooms', 'agents', 'duration', 'warmup', 'idle', 'loaders']);
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].replace(/^--/, '').split('=');
    if (flag === 'help') exit(HELP, 0);
    if (flag === 'quick') opts.quick = true;
    else if (flag === 'cpu-prof') opts.cpuProf = true;
    else if (flag === 'relay') opts.relay = resolve(inline ?? argv[++i] ?? exit(`--relay needs a path\n\n${HELP}`, 2));
    else if (numeric.has(flag)) {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) exit(`--${flag} needs a positive number, got ${raw}\n\n${HELP}`, 2);
      opts[flag] = value;
      given.add(flag);
    } else exit(`unknown flag ${argv[i]}\n\n${HELP}`, 2);
  }
  if (opts.quick) {
    // Explicit flags still win over the quick defaults.
    if (!given.has('duration')) opts.duration = 2;
    if (!given.has('warmup')) opts.warmup = 1;
  }
  opts.loaders = Math.min(2, Math.max(1, Math.round(opts.loaders)));
  opts.agents = Math.max(opts.loaders, Math.round(opts.agents));
  opts.rooms = Math.max(opts.loaders, Math.round(opts.rooms));
  opts.idle = Math.round(opts.idle);
  return opts;
}

function exit(message, code) {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}
