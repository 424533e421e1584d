// A provider that stays open while the server dies reconnects by itself when a server
// comes back on the same address, and the edits made while it was down are merged.
import { afterEach, describe, expect, test } from 'vitest';
import { restartablePort } from '../helpers/stable-port.ts';
import { createRoom, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, whenSynced, type YClient } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function serverProcess(dataDir: string, port: number): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, { PORT: String(port) });
  cleanup.add(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.kill9();
  });
  return server;
}

async function client(server: ServerProcess, roomId: string, token: string, name: string): Promise<YClient> {
  const yclient = await syncedYClient(server.wsUrl, roomId, token, { name });
  cleanup.add(() => yclient.destroy());
  return yclient;
}

/** Resolves when the provider has lost its connection (and so needs a new one). */
const disconnected = (yclient: YClient) =>
  new Promise<void>((resolve) => {
    const onStatus = ({ status }: { status: string }) => {
      if (status !== 'disconnected') return;
      yclient.provider.off('status', onStatus);
      resolve();
    };
    yclient.provider.on('status', onStatus);
  });

describe.each([
  ['kill -9', (server: ServerProcess) => server.kill9()],
  ['SIGTERM', async (server: ServerProcess) => void (await server.stop())],
])('open providers across a restart (%s)', (_how, stopServer) => {
  test('they reconnect by themselves and converge, with the edits made while the server was down', async () => {
    const dataDir = tempDataDir();
    const port = await restartablePort();
    const first = await serverProcess(dataDir, port);
    const room = await createRoom(first.httpUrl);
    const a = await client(first, room.roomId, room.interviewerToken, 'Ines');
    const b = await client(first, room.roomId, room.candidateToken, 'Cleo');
    a.text.insert(0, 'seen_before_crash = True\n');
    await waitFor(() => b.text.toString() === a.text.toString(), 10_000, 'a -> b before the crash');

    const lost = Promise.all([disconnected(a), disconnected(b)]);
    await stopServer(first);
    await lost;
    a.text.insert(a.text.length, 'typed_while_down = 1\n');
    b.text.insert(0, '# candidate_while_down\n');
    expect(a.provider.synced).toBe(false);

    const second = await serverProcess(dataDir, port);
    await Promise.all([whenSynced(a, 20_000), whenSynced(b, 20_000)]);
    await waitFor(
      () => a.text.toString() === b.text.toString() && a.text.toString().includes('typed_while_down') && b.text.toString().includes('typed_while_down') && a.text.toString().includes('candidate_while_down'),
      10_000,
      () => `a and b converging: ${JSON.stringify([a.text.toString(), b.text.toString()])}`,
    );
    expect(a.text.toString()).toBe('# candidate_while_down\nseen_before_crash = True\ntyped_while_down = 1\n');

    // The merged text is on the new server, not only in the two open clients.
    const fresh = await client(second, room.roomId, room.candidateToken, 'Fresh');
    expect(fresh.text.toString()).toBe(a.text.toString());
  });
});
