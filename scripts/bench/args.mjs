// Command-line flags of `npm run bench`, with their defaults.
import { resolve } from 'node:path';

/** The parts of the bench, in the order a full run does them. */
export const PARTS = ['throughput', 'memory', 'delivery', 'storm', 'cobrowse'];

const HELP = `Usage: npm run bench -- [flags]
  --only PARTS   run only these parts, comma separated: ${PARTS.join(', ')}  (default all)

  throughput: durable chat throughput, one message in flight per room
  --rooms N      rooms (visitor + agent side), one message in flight each  (default 200)
  --agents K     agent connections sharing the rooms                      (default 4)
  --duration S   measured seconds per relay                               (default 10)
  --warmup S     warm-up seconds before measuring                         (default 2)
  --loaders L    load-generator processes, 1 or 2                        (default 1)

  memory: memory per idle connection
  --idle N       idle visitor connections for the memory figure           (default 8000)

  delivery: delivery latency with many connected at a fixed send rate (open loop), always
  over 2 load-generator processes
  --delivery-rooms N     rooms = chatting visitor connections             (default 5000)
  --delivery-agents K    agent connections, each following N/K rooms      (default 50)
  --connected C          connections in all: idle visitor connections (hello only) fill
                         what rooms and agents leave                      (default 10000)
  --rate R               chat.send per second, spread over the rooms      (default 2000)
  --delivery-duration S  measured seconds per relay                       (default 15)
  --delivery-warmup S    warm-up seconds at the same rate before measuring (default 3)

  storm: a reconnect storm: visitor connections (some with a conversation) all dropped at once
  by killing the relay (SIGKILL) and starting it again on the same port and data; each
  reconnects as the widget does and resumes; time until all are back, and whether each one's
  next message takes the seq after its last (nothing lost or doubled)
  --storm-clients N      visitor connections                              (default 10000)
  --storm-conversations M  of them with a conversation                   (default 1000)

  cobrowse: the built relay, widget and console in Debian's Chromium: latency from a DOM change
  on the visitor's page to the console's mirror (200 changes, one every 100 ms), bytes/s sent
  during a 20 s interactive script, full-snapshot size, co-browse chunk gzip size
  (--quick: 50 changes and 8 s). Needs \`npm run build\` and /usr/bin/chromium (or PARLEY_CHROMIUM).

  --quick        smoke run: 2 s measured + 1 s warm-up for throughput, 4 s + 1 s for delivery
                 (connection counts unchanged: below ~8000 idle the young-generation heap size
                 dominates the per-connection RSS figure, and delivery is about 10k connected)
  --relay PATH   the built relay module to load (default server/dist/index.js), to compare builds
  --no-cluster   leave out the throughput columns of Parley on PostgreSQL (one node) and of two
                 nodes on PostgreSQL + Redis (left out anyway without postgresql and redis-server)
  --cpu-prof     write a CPU profile of the Parley relay child (throughput; the restarted relay with --only storm) and print its top functions
  --help`;

/** Reads the flags; exits with the usage on --help or a bad flag. */
export function parseArgs(argv) {
  const opts = {
    only: [...PARTS],
    rooms: 200,
    agents: 4,
    duration: 10,
    warmup: 2,
    // With fewer, the young-generation heap's size (a few MB either way) swamps the figure.
    idle: 8000,
    loaders: 1,
    deliveryRooms: 5000,
    deliveryAgents: 50,
    deliveryConnected: 10_000,
    deliveryRate: 2000,
    deliveryDuration: 15,
    deliveryWarmup: 3,
    stormClients: 10_000,
    stormConversations: 1_000,
    quick: false,
    cpuProf: false,
    relay: null,
    /** The PostgreSQL and two-node columns of the throughput table (when the servers exist here). */
    cluster: true,
  };
  /** Numeric flags and the option each sets. */
  const numeric = new Map([
    ['rooms', 'rooms'],
    ['agents', 'agents'],
    ['duration', 'duration'],
    ['warmup', 'warmup'],
    ['idle', 'idle'],
    ['loaders', 'loaders'],
    ['delivery-rooms', 'deliveryRooms'],
    ['delivery-agents', 'deliveryAgents'],
    ['connected', 'deliveryConnected'],
    ['rate', 'deliveryRate'],
    ['delivery-duration', 'deliveryDuration'],
    ['delivery-warmup', 'deliveryWarmup'],
    ['storm-clients', 'stormClients'],
    ['storm-conversations', 'stormConversations'],
  ]);
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].replace(/^--/, '').split('=');
    if (flag === 'help') exit(HELP, 0);
    if (flag === 'quick') opts.quick = true;
    else if (flag === 'cpu-prof') opts.cpuProf = true;
    else if (flag === 'no-cluster') opts.cluster = false;
    else if (flag === 'relay') opts.relay = resolve(inline ?? argv[++i] ?? exit(`--relay needs a path\n\n${HELP}`, 2));
    else if (flag === 'only') {
      const raw = inline ?? argv[++i] ?? '';
      const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
      const unknown = parts.filter((p) => !PARTS.includes(p));
      if (parts.length === 0 || unknown.length) exit(`--only needs parts among ${PARTS.join(', ')}, got ${raw}\n\n${HELP}`, 2);
      opts.only = PARTS.filter((p) => parts.includes(p));
    } else if (numeric.has(flag)) {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) exit(`--${flag} needs a positive number, got ${raw}\n\n${HELP}`, 2);
      opts[numeric.get(flag)] = value;
      given.add(flag);
    } else exit(`unknown flag ${argv[i]}\n\n${HELP}`, 2);
  }
  if (opts.quick) {
    // Explicit flags still win over the quick defaults.
    if (!given.has('duration')) opts.duration = 2;
    if (!given.has('warmup')) opts.warmup = 1;
    if (!given.has('delivery-duration')) opts.deliveryDuration = 4;
    if (!given.has('delivery-warmup')) opts.deliveryWarmup = 1;
  }
  opts.loaders = Math.min(2, Math.max(1, Math.round(opts.loaders)));
  opts.agents = Math.max(opts.loaders, Math.round(opts.agents));
  opts.rooms = Math.max(opts.loaders, Math.round(opts.rooms));
  opts.idle = Math.round(opts.idle);
  // Two load generators, each with at least one agent connection and one room per agent.
  opts.deliveryAgents = Math.max(2, Math.round(opts.deliveryAgents));
  opts.deliveryRooms = Math.max(opts.deliveryAgents, Math.round(opts.deliveryRooms));
  opts.deliveryConnected = Math.max(opts.deliveryRooms + opts.deliveryAgents, Math.round(opts.deliveryConnected));
  return opts;
}

function exit(message, code) {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}
