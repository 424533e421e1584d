// The two servers under comparison, each in its own child process pinned to one core:
//   ours  = server/main.ts (SQLite-persisted y-websocket protocol, rooms with tokens)
//   stock = stock-server.ts (@y/websocket-server's setupWSConnection, in memory)
// Every server started here is tracked so it is stopped, and its data folder removed, even
// when the benchmark fails or is interrupted. The environment passes through, so server
// settings can be varied per run (e.g. SQLITE_SYNCHRONOUS=FULL npm run bench:collab).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { freePort } from '../helpers/free-port.ts';
import { mapLimit, range, sleep, withTimeout } from './async-utils.ts';
import { sampleProcess, type ProcSample } from './proc-stats.ts';

export type ServerKind = 'ours' | 'stock';
export const SERVER_KINDS: readonly ServerKind[] = ['ours', 'stock'];

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** How the two clients of one room connect (slot 0 = interviewer, slot 1 = candidate). */
export interface RoomAccess {
  /** y-websocket's serverUrl: the room name is appended after a slash */
  serverUrl: string;
  roomName: string;
  /** Query parameters per slot */
  params: readonly [Record<string, string>, Record<string, string>];
  /** When the two slots connect to different servers (bench:scale): serverUrl per slot. */
  slotServerUrls?: readonly [string, string];
}

export type Slot = 0 | 1;

export function roomUrl(room: RoomAccess, slot: Slot): string {
  const query = new URLSearchParams(room.params[slot]).toString();
  return `${room.slotServerUrls?.[slot] ?? room.serverUrl}/${encodeURIComponent(room.roomName)}${query ? `?${query}` : ''}`;
}

export interface BenchServer {
  kind: ServerKind;
  pid: number;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  createRooms(count: number): Promise<RoomAccess[]>;
  sample(): ProcSample;
  /** Lines the server logged at warning level or above (stderr lines for stock). */
  readonly warnings: number;
  /** The last lines of the server's output, for error messages. */
  outputTail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Core to pin the server to with taskset, or undefined for no pinning. */
  core: number | undefined;
  /** Folder for a V8 CPU profile of the server (written when it stops), or undefined. */
  cpuProfDir?: string;
  /** Extra environment of the server (e.g. REDIS_URL and DATABASE_URL for bench:scale). */
  env?: Record<string, string>;
}

interface Flavor {
  script: string;
  readyPath: string;
  env(dataDir: string | undefined): Record<string, string>;
  needsDataDir: boolean;
  isWarning(line: string, stream: 'stdout' | 'stderr'): boolean;
  createRoom(httpUrl: string, wsUrl: string, index: number): Promise<RoomAccess>;
}

const FLAVORS: Record<ServerKind, Flavor> = {
  ours: {
    script: 'server/main.ts',
    readyPath: '/healthz',
    needsDataDir: true,
    // No pre-started sandboxes: they would be extra processes on the server's core.
    env: (dataDir) => ({ DATA_DIR: dataDir ?? '', LOG_LEVEL: 'warn', RUN_WARM_POOL_SIZE: '0' }),
    isWarning: (line) => /"level":(4|5|6)0/.test(line),
    async createRoom(httpUrl, wsUrl) {
      const response = await fetch(`${httpUrl}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}: ${await response.text()}`);
      const room = (await response.json()) as CreateRoomResponse;
      return {
        serverUrl: `${wsUrl}/yjs`,
        roomName: room.roomId,
        params: [{ token: room.interviewerToken }, { token: room.candidateToken }],
      };
    },
  },
  stock: {
    script: 'test/bench/stock-server.ts',
    readyPath: '/',
    needsDataDir: false,
    env: () => ({}),
    isWarning: (_line, stream) => stream === 'stderr',
    createRoom: async (_httpUrl, wsUrl, index) => ({
      serverUrl: wsUrl,
      roomName: `bench-${process.pid}-${Date.now().toString(36)}-${index}`,
      params: [{}, {}],
    }),
  },
};

const running = new Set<RunningServer>();

class RunningServer implements BenchServer {
  warnings = 0;
  private tail: string[] = [];
  private roomsCreated = 0;
  readonly exited: Promise<number | null>;

  constructor(
    readonly kind: ServerKind,
    private readonly flavor: Flavor,
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dataDir: string | undefined,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of ['stdout', 'stderr'] as const) {
      readline.createInterface({ input: child[stream]! }).on('line', (line) => {
        if (flavor.isWarning(line, stream)) this.warnings += 1;
        this.tail.push(line.slice(0, 500));
        if (this.tail.length > 40) this.tail.shift();
      });
    }
    running.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get httpUrl(): string {
    return `http://${HOST}:${this.port}`;
  }

  outputTail(): string {
    return this.tail.join('\n');
  }

  sample(): ProcSample {
    return sampleProcess(this.pid);
  }

  async createRooms(count: number): Promise<RoomAccess[]> {
    const first = this.roomsCreated;
    this.roomsCreated += count;
    return mapLimit(range(count), 8, (i) => this.flavor.createRoom(this.httpUrl, `ws://${HOST}:${this.port}`, first + i));
  }

  async waitReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.kind} server exited with ${exitCode}:\n${this.outputTail()}`);
      const ok = await fetch(`${this.httpUrl}${this.flavor.readyPath}`).then((r) => r.ok, () => false);
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`${this.kind} server did not answer within ${START_TIMEOUT_MS} ms:\n${this.outputTail()}`);
  }

  async stop(): Promise<void> {
    if (!running.delete(this)) return;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await withTimeout(this.exited, STOP_TIMEOUT_MS, `${this.kind} server shutdown`).catch(() => {
        this.child.kill('SIGKILL');
        return this.exited;
      });
    }
    this.removeDataDir();
  }

  killSync(): void {
    running.delete(this);
    this.child.kill('SIGKILL');
    this.removeDataDir();
  }

  private removeDataDir(): void {
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startServer(kind: ServerKind, options: StartOptions): Promise<BenchServer> {
  const flavor = FLAVORS[kind];
  const port = await freePort();
  const dataDir = flavor.needsDataDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-collab-')) : undefined;
  const nodeArgs = [
    '--import',
    'tsx',
    '--import',
    path.join(import.meta.dirname, 'exit-with-parent.ts'),
    // One folder per server: node writes a profile per thread (main, module loader).
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfDir, `${kind}-${port}`)}`] : []),
    path.join(REPO_ROOT, flavor.script),
  ];
  const [command, args] =
    options.core === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST, ...flavor.env(dataDir), ...options.env, ...(dataDir ? { BENCH_TEMP_DIR: dataDir } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const server = new RunningServer(kind, flavor, child, port, dataDir);
  try {
    await server.waitReady();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Starts a server, runs `fn` against it and always stops it. */
export async function withServer<T>(kind: ServerKind, options: StartOptions, fn: (server: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(kind, options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** Graceful stop of every server still running (normal cleanup and signals). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** Last resort from a process 'exit' handler, where nothing asynchronous runs any more. */
export function killAllServersSync(): void {
  for (const server of [...running]) server.killSync();
}
