// The only reader of process.env. Every key has a default, a description, and its unit in
// its name. Bad configuration fails at startup listing every problem at once.
import path from 'node:path';
import { z } from 'zod';

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
  WS_PING_INTERVAL_MS: int(1000, 600_000).default(30_000).describe('Keepalive ping period of /yjs sockets'),
  JSON_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(64 * 1024),
  AUTH_FAILURES_PER_MINUTE: int(1, 1_000_000)
    .default(30)
    .describe('Failed token checks allowed per client IP per minute; successful ones are never limited'),
  SQLITE_SYNCHRONOUS: z
    .enum(['NORMAL', 'FULL'])
    .default('NORMAL')
    .describe('NORMAL survives process crashes; FULL also survives power loss at some write cost'),
  CLIENT_DIST_DIR: z.string().min(1).default('./dist/client').describe('Built client served at /'),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Trust X-Forwarded-For (behind a reverse proxy) for per-IP limits'),
};

const configSchema = z.object(configShape);
export type Config = z.infer<typeof configSchema>;

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
  return {
    ...config,
    DATA_DIR: path.resolve(config.DATA_DIR),
    CLIENT_DIST_DIR: path.resolve(config.CLIENT_DIST_DIR),
    PUBLIC_URL: config.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}
