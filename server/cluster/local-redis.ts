// A throwaway redis-server (no persistence on disk) for `npm run cluster` and tests.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export const REDIS_SERVER_PATH = '/usr/bin/redis-server';
export const REDIS_MISSING = 'redis-server is not installed: apt-get install -y redis-server';

export interface LocalRedis {
  url: string;
  port: number;
  readonly process: ChildProcess;
  /**
   * Kills redis-server (SIGKILL: everything in it is lost) and starts it again on the same
   * port, after `whileDown` (if given) has finished.
   */
  restart(whileDown?: () => Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

async function launch(port: number): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(REDIS_SERVER_PATH, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return { child, exited };
}

export async function startLocalRedis(port: number): Promise<LocalRedis> {
  if (!fs.existsSync(REDIS_SERVER_PATH)) throw new Error(REDIS_MISSING);
  let current = await launch(port);
  const killOnExit = () => current.child.kill('SIGKILL');
  process.on('exit', killOnExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get process() {
      return current.child;
    },
    async restart(whileDown) {
      current.child.kill('SIGKILL');
      await current.exited;
      await whileDown?.();
      current = await launch(port);
    },
    async stop() {
      process.off('exit', killOnExit);
      current.child.kill('SIGTERM');
      await current.exited;
    },
  };
}
