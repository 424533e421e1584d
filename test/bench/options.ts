// Benchmark settings: `--name=value` on the command line, else BENCH_NAME in the
// environment (e.g. --light-rooms=100,250 or BENCH_LIGHT_ROOMS=100,250), else the default.
import { OptionsError, numbers, one, settingsReader, subset } from './cli-settings.ts';
import { SERVER_KINDS, type ServerKind } from './servers.ts';

export const MODES = ['provider', 'light', 'sync'] as const;
export type Mode = (typeof MODES)[number];

export interface BenchOptions {
  modes: Mode[];
  servers: ServerKind[];
  providerRooms: number[];
  lightRooms: number[];
  rate: number;
  durationS: number;
  warmupS: number;
  drainS: number;
  repeat: number;
  syncConnections: number;
  syncKb: number;
  /** Hard limit for the whole run, in minutes. */
  timeoutMin: number;
  /** Folder for V8 CPU profiles of the servers, or '' for none. */
  cpuProfDir: string;
  out: string;
}

const SPEC = {
  modes: { default: MODES.join(','), help: 'which measurements to run' },
  servers: { default: SERVER_KINDS.join(','), help: 'servers to compare' },
  'provider-rooms': { default: '10,50,100', help: 'room counts of provider mode (2 WebsocketProvider clients per room)' },
  'light-rooms': { default: '100,250,500,1000', help: 'room counts of light mode (2 raw ws clients per room)' },
  rate: { default: '8', help: 'keystrokes per second per client' },
  duration: { default: '10', help: 'seconds of typing per load phase' },
  warmup: { default: '2', help: 'first seconds of each phase left out of latency and CPU figures' },
  repeat: { default: '1', help: 'runs per (server, rooms); the least disturbed one is reported' },
  drain: { default: '10', help: 'longest wait in seconds for keystrokes to arrive after typing stops' },
  'sync-connections': { default: '20', help: 'fresh connections timed per initial-sync scenario' },
  'sync-kb': { default: '160', help: 'size of the initial-sync document in KB of text' },
  timeout: { default: '30', help: 'hard limit for the whole run in minutes' },
  'cpu-prof-dir': { default: '', help: 'write V8 CPU profiles of the servers into this folder' },
  out: { default: 'test/artifacts/bench-collab.md', help: 'Markdown report file' },
} as const;

const settings = settingsReader(SPEC, 'BENCH_', 'npm run bench:collab');
export const { envName, usage } = settings;
export { OptionsError };

export interface ParsedOptions {
  options: BenchOptions;
  help: boolean;
  /** Settings that differ from the defaults, as given (for the printed command). */
  given: string[];
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedOptions {
  const { raw, help, given } = settings.read(argv, env);
  const options: BenchOptions = {
    modes: subset('modes', raw('modes'), MODES),
    servers: subset('servers', raw('servers'), SERVER_KINDS),
    providerRooms: numbers('provider-rooms', raw('provider-rooms'), 1, 2000),
    lightRooms: numbers('light-rooms', raw('light-rooms'), 1, 5000),
    rate: one('rate', raw('rate'), 0.1, 100, false),
    durationS: one('duration', raw('duration'), 1, 600, false),
    warmupS: one('warmup', raw('warmup'), 0, 600, false),
    drainS: one('drain', raw('drain'), 0.1, 600, false),
    repeat: one('repeat', raw('repeat'), 1, 20),
    syncConnections: one('sync-connections', raw('sync-connections'), 1, 1000),
    syncKb: one('sync-kb', raw('sync-kb'), 1, 100_000, false),
    timeoutMin: one('timeout', raw('timeout'), 1, 24 * 60, false),
    cpuProfDir: raw('cpu-prof-dir'),
    out: raw('out'),
  };
  if (options.warmupS >= options.durationS) throw new OptionsError('--warmup must be shorter than --duration');
  return { options, help, given };
}
