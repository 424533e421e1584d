// A person alone in a room stays connected. The stock y-websocket client drops and redials
// any connection that has received no message for 30 s (its watchdog; WebSocket pings are
// invisible to it), and expects its own awareness renewal, sent every 15 s, to come back.
// This test has to outlast that watchdog, so it takes about 35 s of wall time.
import { afterAll, expect, test } from 'vitest';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const CLIENT_WATCHDOG_MS = 30_000;
let server: TestServer | undefined;
let alone: YClient | undefined;

afterAll(async () => {
  alone?.destroy();
  await server?.close();
});

test('a lone provider is not disconnected by its own watchdog', { timeout: CLIENT_WATCHDOG_MS + 25_000 }, async () => {
  server = await startTestServer();
  const room = await createRoom(server.httpUrl);
  alone = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'Waiting interviewer' });
  const statuses: string[] = [];
  alone.provider.on('status', ({ status }) => statuses.push(status));
  // Nothing to await: the claim is that nothing happens for longer than the watchdog period
  // (the watchdog checks every 3 s, so 30 s + 5 s covers its first firing).
  await new Promise((resolve) => setTimeout(resolve, CLIENT_WATCHDOG_MS + 5_000));
  expect(statuses, 'connection status changes while alone in the room').toEqual([]);
  expect(alone.provider.wsconnected).toBe(true);
});
