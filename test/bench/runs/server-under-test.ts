// The real server, started for one mode (cold or warm) either in this process (startTestServer)
// or as a child process (server/main.ts). Stopping it closes its warm pool and PGlite workers
// and removes its data folder; `withServer` does that even when the measurement throws.
import fs from 'node:fs';
import { createRoom, startServerProcess, startTestServer, tempDataDir } from '../../helpers/server.ts';
import { mapLimit, range, withTimeout } from '../async-utils.ts';
import type { ServerKind } from './options.ts';
import type { BenchRoom } from './run-client.ts';

const STOP_TIMEOUT_MS = 20_000;

export interface ServerUnderTest {
  kind: ServerKind;
  httpUrl: string;
  /** The process whose descendants are the sandboxes (this process when in-process). */
  pid: number;
  createRooms(count: number): Promise<BenchRoom[]>;
  stop(): Promise<void>;
}

/** Last resort when the benchmark dies without stopping a server (uncaught error, process.exit). */
const onExit = new Set<() => void>();
process.on('exit', () => {
  for (const cleanup of onExit) cleanup();
});

async function start(kind: ServerKind, env: Record<string, string>): Promise<ServerUnderTest> {
  const dataDir = tempDataDir('bench-runs-');
  const removeData = () => {
    onExit.delete(removeData);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  onExit.add(removeData);
  try {
    if (kind === 'in-process') {
      const server = await startTestServer({ ...env, DATA_DIR: dataDir });
      return describe(kind, server.httpUrl, process.pid, async () => {
        await withTimeout(server.close(), STOP_TIMEOUT_MS, 'closing the in-process server').finally(removeData);
      });
    }
    const child = await startServerProcess(dataDir, { ...env, LOG_LEVEL: 'info' });
    const killChild = () => child.child.kill('SIGKILL');
    onExit.add(killChild);
    return describe(kind, child.httpUrl, child.child.pid!, async () => {
      await withTimeout(child.stop(), STOP_TIMEOUT_MS, 'stopping the server process')
        .catch(async (error: unknown) => {
          await child.kill9();
          throw error;
        })
        .finally(() => {
          onExit.delete(killChild);
          removeData();
        });
    });
  } catch (error) {
    removeData();
    throw error;
  }
}

function describe(kind: ServerKind, httpUrl: string, pid: number, stop: () => Promise<void>): ServerUnderTest {
  return {
    kind,
    httpUrl,
    pid,
    createRooms: (count) =>
      mapLimit(range(count), 8, async () => {
        const room = await createRoom(httpUrl, {});
        return { httpUrl, roomId: room.roomId, token: room.interviewerToken };
      }),
    stop,
  };
}

/** Starts a server with `env` (configuration keys), runs `use`, and always stops it. */
export async function withServer<T>(kind: ServerKind, env: Record<string, string>, use: (server: ServerUnderTest) => Promise<T>): Promise<T> {
  const server = await start(kind, env);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}
