// Settings of `npm run bench:runs`: `--name=value` on the command line, else BENCH_RUNS_NAME in
// the environment (e.g. --rooms=2,8 or BENCH_RUNS_ROOMS=2,8), else the default.
import { OptionsError, numbers, one, settingsReader, subset } from '../cli-settings.ts';
import { PROGRAM_IDS, type ProgramId } from './programs.ts';

export const MODES = ['unsandboxed', 'cold', 'warm'] as const;
export type Mode = (typeof MODES)[number];
export const SERVER_KINDS = ['in-process', 'process'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export interface RunsBenchOptions {
  modes: Mode[];
  programs: ProgramId[];
  /** Sequential runs per latency series; the first is reported apart from p50/p95. */
  runs: number;
  /** Concurrent rooms per throughput level; empty skips throughput. */
  rooms: number[];
  /** Runs each room presses in the throughput phase. */
  roomRuns: number;
  /** RUN_WARM_POOL_SIZE of the warm server. */
  poolSize: number;
  /** Longest wait for the warm pool to (re)load, per wait. */
  poolWaitS: number;
  /** Longest wait for one HTTP run request. */
  requestTimeoutS: number;
  server: ServerKind;
  /** Hard limit for the whole benchmark. */
  timeoutMin: number;
  out: string;
}

const SPEC = {
  modes: { default: MODES.join(','), help: 'what to measure: unsandboxed baselines, cold server (pool 0), warm server' },
  programs: { default: PROGRAM_IDS.join(','), help: 'programs of the latency series' },
  runs: { default: '21', help: 'sequential runs per latency series (the first is reported apart)' },
  rooms: { default: '2,8,32', help: 'concurrent rooms per throughput level ("" skips throughput)' },
  'room-runs': { default: '5', help: 'runs each room presses per throughput level' },
  'pool-size': { default: '2', help: 'RUN_WARM_POOL_SIZE of the warm server' },
  'pool-wait': { default: '30', help: 'longest wait in seconds for the warm pool to load, per wait' },
  'request-timeout': { default: '120', help: 'longest wait in seconds for one run request' },
  server: { default: 'in-process', help: 'in-process (startTestServer) or process (server/main.ts child)' },
  timeout: { default: '10', help: 'hard limit for the whole benchmark in minutes' },
  out: { default: 'test/artifacts/bench-runs.md', help: 'Markdown report file' },
} as const;


const settings = settingsReader(SPEC, 'BENCH_RUNS_', 'npm run bench:runs');
export const { envName, usage } = settings;
export { OptionsError };

export interface ParsedOptions {
  options: RunsBenchOptions;
  help: boolean;
  /** Settings that differ from the defaults, as given (for the printed command). */
  given: string[];
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedOptions {
  const { raw, help, given } = settings.read(argv, env);
  const server = subset('server', raw('server'), SERVER_KINDS);
  if (server.length !== 1) throw new OptionsError('--server: one of in-process, process');
  const options: RunsBenchOptions = {
    modes: subset('modes', raw('modes'), MODES),
    programs: subset('programs', raw('programs'), PROGRAM_IDS),
    runs: one('runs', raw('runs'), 2, 10_000),
    rooms: numbers('rooms', raw('rooms'), 1, 256),
    roomRuns: one('room-runs', raw('room-runs'), 1, 10_000),
    poolSize: one('pool-size', raw('pool-size'), 1, 16),
    poolWaitS: one('pool-wait', raw('pool-wait'), 1, 600),
    requestTimeoutS: one('request-timeout', raw('request-timeout'), 1, 3600),
    server: server[0]!,
    timeoutMin: one('timeout', raw('timeout'), 1, 24 * 60),
    out: raw('out'),
  };
  return { options, help, given };
}
