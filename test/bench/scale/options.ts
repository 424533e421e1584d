// Settings of `npm run bench:scale`: `--name=value` on the command line, else BENCH_SCALE_NAME
// in the environment, else the default. `--spread` is short for `--placement=spread`.
import { OptionsError, numbers, one, settingsReader, subset } from '../cli-settings.ts';

/**
 * stock       = @y/websocket-server, in memory, one process
 * sqlite-1    = our server alone, SQLite (the embedded default)
 * redis-pg-1  = our server alone in multi-instance mode (REDIS_URL + DATABASE_URL)
 * redis-pg-2  = two instances of ours through Redis + PostgreSQL, a room's two clients on different instances
 * redis-pg-2-together = the same two instances, each room's two clients on one instance (rooms
 *               alternate), as behind a load balancer that keeps a room together
 */
export const SETUPS = ['stock', 'sqlite-1', 'redis-pg-1', 'redis-pg-2', 'redis-pg-2-together'] as const;
export type SetupName = (typeof SETUPS)[number];

/**
 * shared = every server-side process (instances, redis-server, PostgreSQL) on core 0, the load
 *          generator alone on core 1
 * spread = instance i on core i (0 and 1); redis-server, PostgreSQL and the generator on any core
 */
export const PLACEMENTS = ['shared', 'spread'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Busy CPU (all cores together, % of one core) below which the machine counts as quiet between runs. */
export const QUIET_BUSY_PERCENT = 25;

/** A row whose p99 is this many times the limit (or that did not drain) overloaded its setup. */
export const OVERLOAD_FACTOR = 20;

export interface ScaleOptions {
  rooms: number[];
  setups: SetupName[];
  placement: Placement;
  rate: number;
  durationS: number;
  warmupS: number;
  drainS: number;
  /** The latency goal of the summary: largest room count with p99 below this. */
  p99LimitMs: number;
  /** Extra runs of a (setup, rooms) whose run was disturbed by other processes; the least disturbed is reported. */
  retries: number;
  /** Measure larger room counts of a setup even after it was overloaded at a smaller one. */
  keepGoing: boolean;
  /** PostgreSQL with fsync and synchronous commit on (default off: the benchmark's data is thrown away). */
  pgFsync: boolean;
  timeoutMin: number;
  /** Before each run, wait up to this long for the machine's other work to calm down. */
  quietWaitS: number;
  /** Folder for V8 CPU profiles of the instances, or '' for none. */
  cpuProfDir: string;
  out: string;
}

const SPEC = {
  rooms: { default: '25,50,100,250,500', help: 'room counts (2 light ws clients per room)' },
  setups: { default: SETUPS.join(','), help: `setups to compare (${SETUPS.join(', ')})` },
  placement: {
    default: 'shared',
    help: 'shared: instances + redis + postgres on core 0, generator on core 1; spread (or --spread): instance i on core i, the rest unpinned',
  },
  rate: { default: '8', help: 'keystrokes per second per client' },
  duration: { default: '12', help: 'seconds of typing per load phase' },
  warmup: { default: '3', help: 'first seconds of each phase left out of latency and CPU figures' },
  drain: { default: '15', help: 'longest wait in seconds for keystrokes to arrive after typing stops' },
  'p99-limit': { default: '50', help: 'summary: the largest room count with p99 below this many ms' },
  retries: {
    default: '1',
    help: 'a run that missed the latency goal while flagged NOISY (other processes used the CPUs) is measured again up to this many times; the least disturbed run is reported',
  },
  'keep-going': {
    default: 'off',
    help: `on: measure larger room counts of a setup after it was overloaded (p99 above ${OVERLOAD_FACTOR}× the limit or not drained); off: skip them`,
  },
  'pg-fsync': { default: 'off', help: 'on: PostgreSQL with fsync, synchronous_commit and full_page_writes (default off)' },
  'quiet-wait': {
    default: '20',
    help: `before each run, wait up to this many seconds until other processes use less than ${QUIET_BUSY_PERCENT}% of a core (0: do not wait)`,
  },
  timeout: { default: '30', help: 'hard limit for the whole run in minutes' },
  'cpu-prof-dir': { default: '', help: 'write V8 CPU profiles of the server instances into this folder' },
  out: { default: 'test/artifacts/bench-scale.md', help: 'Markdown report file' },
} as const;

const settings = settingsReader(SPEC, 'BENCH_SCALE_', 'npm run bench:scale');
export const { usage } = settings;

export interface ParsedScaleOptions {
  options: ScaleOptions;
  help: boolean;
  /** Settings that differ from the defaults, as given (for the printed command). */
  given: string[];
}

export function parseScaleOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedScaleOptions {
  const args = argv.map((arg) => (arg === '--spread' ? '--placement=spread' : arg));
  const { raw, help, given } = settings.read(args, env);
  const onOff = (key: 'pg-fsync' | 'keep-going'): boolean => {
    const [value] = subset(key, raw(key), ['on', 'off'] as const);
    return value === 'on';
  };
  const placement = subset('placement', raw('placement'), PLACEMENTS);
  if (placement.length !== 1) throw new OptionsError('--placement: one of shared, spread');
  const options: ScaleOptions = {
    rooms: numbers('rooms', raw('rooms'), 1, 5000),
    setups: subset('setups', raw('setups'), SETUPS),
    placement: placement[0]!,
    rate: one('rate', raw('rate'), 0.1, 100, false),
    durationS: one('duration', raw('duration'), 1, 600, false),
    warmupS: one('warmup', raw('warmup'), 0, 600, false),
    drainS: one('drain', raw('drain'), 0.1, 600, false),
    p99LimitMs: one('p99-limit', raw('p99-limit'), 0.1, 60_000, false),
    retries: one('retries', raw('retries'), 0, 20),
    keepGoing: onOff('keep-going'),
    pgFsync: onOff('pg-fsync'),
    timeoutMin: one('timeout', raw('timeout'), 1, 24 * 60, false),
    quietWaitS: one('quiet-wait', raw('quiet-wait'), 0, 3600, false),
    cpuProfDir: raw('cpu-prof-dir'),
    out: raw('out'),
  };
  if (options.warmupS >= options.durationS) throw new OptionsError('--warmup must be shorter than --duration');
  if (options.setups.length === 0) throw new OptionsError('--setups: at least one setup');
  return { options, help, given };
}
