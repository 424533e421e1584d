// Fixtures that start the real server: in-process (fast, inspectable) or as a child
// process (for kill -9 and restart tests). Both listen on port 0 with a fresh data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type RunningApp } from '../../server/app.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export function tempDataDir(prefix = 'room-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer {
  app: RunningApp;
  port: number;
  httpUrl: string;
  wsUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the app in this process. `env` overrides configuration keys. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  // No warm sandboxes unless a test asks: they would cost every test server seconds of CPU.
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RUN_WARM_POOL_SIZE: '0', ...env, DATA_DIR: dataDir });
  const app = await createApp(config, createLogger(config.LOG_LEVEL));
  const port = await app.listen();
  return {
    app,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    dataDir,
    close: () => app.close(),
  };
}

export async function createRoom(httpUrl: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<CreateRoomResponse> {
  const response = await fetch(`${httpUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`creating a room answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CreateRoomResponse;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  httpUrl: string;
  wsUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGKILL, no chance to flush anything. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
}

/** Starts `server/main.ts` as a child process on a free port and waits until it serves. */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
  options: { nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(REPO_ROOT, 'server/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RUN_WARM_POOL_SIZE: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/serving http:\/\/localhost:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    child,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
