// The only reader of process.env. Every key has a default, a description, and its unit in
// its name. Bad configuration fails at startup listing every problem at once.
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy } from './http/client-ip.ts';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const configShape = {
  PORT: int(0, 65535).default(3000).describe('HTTP port (0 picks a free one)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
  DATA_DIR: z.string().min(1).default('./data').describe('Folder of the SQLite database'),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe('Absolute base URL for links handed out (e.g. https://interviews.example.com); paths when unset'),
  ROOM_CREATE_KEY: z
    .string()
    .min(16)
    .optional()
    .describe('When set, POST /api/rooms needs "Authorization: Bearer <key>"'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SNAPSHOT_EVERY_UPDATES: int(1, 1_000_000)
    .default(500)
    .describe('Write a compacted snapshot of a room after this many logged updates'),
  WS_MAX_MESSAGE_BYTES: int(1024, 256 * 1024 * 1024).default(16 * 1024 * 1024),
  ROOM_DOC_MAX_BYTES: int(64 * 1024, 1024 * 1024 * 1024)
    .default(8 * 1024 * 1024)
    .describe("A room's shared document: last snapshot plus updates since (changes past it are refused)"),
  ROOM_LOG_MAX_BYTES: int(64 * 1024, 16 * 1024 * 1024 * 1024)
    .default(256 * 1024 * 1024)
    .describe("A room's whole update log, kept for replay (changes past it are refused)"),
  WHITEBOARD_FILES_MAX_BYTES: int(1024 * 1024, 64 * 1024 * 1024 * 1024)
    .default(64 * 1024 * 1024)
    .describe("Images one room's whiteboard may hold in all (each image is at most 2 MB)"),
  AWARENESS_MAX_BYTES: int(256, 16 * 1024 * 1024).default(64 * 1024).describe("JSON bytes of one client's cursor and name state"),
  AWARENESS_UPDATES_PER_SECOND: int(1, 10_000)
    .default(20)
    .describe('Cursor updates applied per connection per second; faster ones are coalesced (latest wins)'),
  WS_PING_INTERVAL_MS: int(1000, 600_000).default(30_000).describe('Keepalive ping period of /yjs sockets'),
  JSON_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(64 * 1024),
  AUTH_FAILURES_PER_MINUTE: int(1, 1_000_000)
    .default(30)
    .describe('Failed token checks allowed per client IP and room per minute; a valid token is never limited'),
  CONNECTIONS_PER_TOKEN: int(1, 1000)
    .default(8)
    .describe('Open connections (Socket.IO and /yjs together) per room link, whole deployment; a new one closes the oldest'),
  SOCKET_EVENTS_PER_MINUTE: int(1, 600_000)
    .default(120)
    .describe('Socket.IO events of one kind accepted per connection per minute once the burst is used; the rest are dropped'),
  SOCKET_EVENT_BURST_COUNT: int(1, 10_000)
    .default(20)
    .describe('Socket.IO events of one kind a connection may send at once before SOCKET_EVENTS_PER_MINUTE applies'),
  SQLITE_SYNCHRONOUS: z
    .enum(['NORMAL', 'FULL'])
    .default('NORMAL')
    .describe('NORMAL survives process crashes; FULL also survives power loss at some write cost'),
  PROBLEMS_DIR: z.string().min(1).default('./problems').describe('The bundled problem bank (also holds _kit/kit.json)'),
  PROBLEMS_DIRS: z
    .string()
    .default('')
    .describe("Comma-separated extra folders of a team's own problems, in the same format"),
  CLIENT_DIST_DIR: z.string().min(1).default('./dist/client').describe('Built client served at /'),
  RUN_TIMEOUT_MS: int(100, 600_000).default(10_000).describe('Wall-clock limit of one run'),
  RUN_MEMORY_BYTES: int(16 * 1024 * 1024, 64 * 1024 * 1024 * 1024)
    .default(512 * 1024 * 1024)
    .describe('Memory of one run (cgroup memory limit, including its /tmp)'),
  RUN_MAX_PROCESSES: int(1, 100_000).default(64).describe('Processes and threads one run may have'),
  RUN_OUTPUT_MAX_BYTES: int(1024, 64 * 1024 * 1024).default(64 * 1024).describe('Per output stream; the rest is cut'),
  RUN_FILE_MAX_BYTES: int(1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024).describe('Largest file a run may write'),
  RUN_OPEN_FILES: int(16, 65_536).default(256),
  RUN_CONCURRENCY: int(1, 1024).default(4).describe('Runs executing at once on this server'),
  RUN_MAX_IN_FLIGHT_PER_ROOM: int(1, 1024).default(3).describe('Queued plus running runs per room (429 above)'),
  GRADED_RUN_MIN_INTERVAL_MS: int(0, 3_600_000)
    .default(10_000)
    .describe("Least time between two graded runs (a problem's tests) started by a room's candidate (429 sooner); 0 disables"),
  RUN_WARM_POOL_SIZE: int(0, 64).default(2).describe('Pre-started sandboxes per language; 0 disables the pool'),
  SQL_RUN_MEMORY_BYTES: int(256 * 1024 * 1024, 64 * 1024 * 1024 * 1024)
    .default(1024 * 1024 * 1024)
    .describe('Memory of one SQL run (its own PGlite engine in the sandbox; ~0.5 GB measured for one engine)'),
  SQL_WARM_POOL_SIZE: int(0, 64).default(1).describe('Pre-started SQL sandboxes with PGlite loaded; 0 (or RUN_WARM_POOL_SIZE=0) disables them'),
  ROOM_TTL_DAYS: int(0, 36_500)
    .default(30)
    .describe('Rooms and all their data are deleted this many days after creation (0 keeps them)'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must look like redis://host:port')
    .optional()
    .describe('When set, runs are queued in Redis (BullMQ) for `npm run worker` processes; with DATABASE_URL too, instances share rooms through it'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must look like postgres://user:password@host:port/database')
    .optional()
    .describe('PostgreSQL for durable state instead of SQLite; with REDIS_URL too, instances share rooms (multi-instance mode)'),
  PG_POOL_SIZE: int(1, 1000).default(10).describe('Connections this instance keeps to PostgreSQL'),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .describe('Comma-separated extra browser origins allowed to open WebSockets (the server\'s own host always is)'),
  RUN_LOCAL_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('With REDIS_URL: this server also executes queued runs (set false when dedicated workers do)'),
  SANDBOX_UID_BASE: int(1000, 4_000_000_000).default(61_000).describe('First host uid for sandboxed runs (one per slot)'),
  SANDBOX_BWRAP_PATH: z.string().default('/usr/bin/bwrap'),
  SANDBOX_PYTHON_PATH: z.string().default('/usr/bin/python3').describe('The Debian interpreter with numpy/pandas/sklearn'),
  SANDBOX_PASS_ENV: z
    .string()
    .default('OPENBLAS_CORETYPE,OPENBLAS_L2_SIZE')
    .describe('Comma-separated server variables copied into runs (e.g. OpenBLAS CPU fixes); nothing else is'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .describe(
      'Proxies whose X-Forwarded-For entries are believed, for per-IP limits: false, a hop count (true = 1), or comma-separated proxy addresses/CIDRs; as Express\'s "trust proxy"',
    ),
};

const configSchema = z.object(configShape);
export type Config = z.infer<typeof configSchema> & {
  /** The values of SANDBOX_PASS_ENV's variables, read once here. */
  sandboxEnv: Record<string, string>;
};

export class ConfigError extends Error {}

/** Parses an environment (process.env by default); throws ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" so `PUBLIC_URL= npm start` behaves like leaving it out.
  const present = Object.fromEntries(
    Object.keys(configShape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const description = configShape[key as keyof typeof configShape]?.description;
      return `  ${key}: ${issue.message}${description ? ` (${description})` : ''}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const sandboxEnv = Object.fromEntries(
    config.SANDBOX_PASS_ENV.split(',')
      .map((name) => name.trim())
      .flatMap((name) => (name && env[name] ? [[name, env[name]]] : [])),
  ) as Record<string, string>;
  return {
    ...config,
    sandboxEnv,
    DATA_DIR: path.resolve(config.DATA_DIR),
    PROBLEMS_DIR: path.resolve(config.PROBLEMS_DIR),
    CLIENT_DIST_DIR: path.resolve(config.CLIENT_DIST_DIR),
    PUBLIC_URL: config.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}
