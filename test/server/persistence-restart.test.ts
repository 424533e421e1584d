// What another person has seen survives the server dying: after kill -9 or SIGTERM, a
// server started on the same DATA_DIR serves the same text to a fresh client.
import { afterEach, describe, expect, test } from 'vitest';
import { createRoom, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function serverProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  // startServerProcess reads the port from the info-level "serving" line, so LOG_LEVEL stays info.
  const server = await startServerProcess(dataDir, env);
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

/** Two people edit; every edit is waited for at the other side, which makes it acknowledged. */
async function editTogether(server: ServerProcess): Promise<{ roomId: string; token: string; text: string; a: YClient; b: YClient }> {
  const room = await createRoom(server.httpUrl, { title: 'Durability', language: 'javascript' });
  const a = await client(server, room.roomId, room.interviewerToken, 'Ines');
  const b = await client(server, room.roomId, room.candidateToken, 'Cleo');
  a.text.insert(0, 'function add(x, y) {\n  return x + y;\n}\n');
  await waitFor(() => b.text.toString() === a.text.toString(), 10_000, 'a -> b');
  b.text.insert(b.text.length, '// candidate was here\n');
  b.text.delete(0, 'function '.length);
  b.text.insert(0, 'const ');
  await waitFor(() => a.text.toString() === b.text.toString(), 10_000, 'b -> a');
  // A burst right before the crash: each keystroke its own update.
  for (const char of 'add(1, 2);\n') a.text.insert(a.text.length, char);
  await waitFor(() => b.text.toString().endsWith('add(1, 2);\n'), 10_000, 'the burst reaching b');
  expect(a.text.toString()).toBe(b.text.toString());
  return { roomId: room.roomId, token: room.candidateToken, text: b.text.toString(), a, b };
}

describe('persistence across a restart on the same DATA_DIR', () => {
  test('kill -9: a fresh client after the restart sees every acknowledged edit', async () => {
    const dataDir = tempDataDir();
    const first = await serverProcess(dataDir);
    const { roomId, token, text, a, b } = await editTogether(first);

    await first.kill9();
    a.destroy(); // nothing may reach the new server from the old clients
    b.destroy();

    const second = await serverProcess(dataDir);
    const fresh = await client(second, roomId, token, 'Fresh');
    expect(fresh.text.toString()).toBe(text);
    expect(fresh.doc.getMap('meta').get('language')).toBe('javascript');
    const info = await fetch(`${second.httpUrl}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await info.json()).toMatchObject({ title: 'Durability', role: 'candidate' });
  });

  test('SIGTERM: exits 0 after closing the clients, and the restarted server has the same text', async () => {
    const dataDir = tempDataDir();
    const first = await serverProcess(dataDir);
    const { roomId, token, text, a, b } = await editTogether(first);

    const aClosed = new Promise<number | undefined>((resolve) => a.provider.once('connection-close', (event) => resolve(event?.code)));
    expect(await first.stop()).toBe(0);
    expect(await aClosed).toBe(1001); // "going away": clients reconnect on their own
    a.destroy();
    b.destroy();

    const second = await serverProcess(dataDir);
    const fresh = await client(second, roomId, token, 'Fresh');
    expect(fresh.text.toString()).toBe(text);
  });
});
