// A room's document is in memory only while someone is connected: it unloads after the last
// client leaves (not before), and rejoining loads the same text.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { openWebSocket, syncedYClient, yjsUrl, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

async function client(roomId: string, token: string, name: string): Promise<YClient> {
  const yclient = await syncedYClient(server.wsUrl, roomId, token, { name });
  cleanup.add(() => yclient.destroy());
  return yclient;
}

const loaded = (roomId: string) => server.app.registry.loadedRoomIds.includes(roomId);

test('the room stays loaded while one client remains, unloads after the last leaves, and reloads the same text', async () => {
  const room = await createRoom(server.httpUrl);
  expect(loaded(room.roomId)).toBe(false); // creating a room does not load it
  const a = await client(room.roomId, room.interviewerToken, 'A');
  const b = await client(room.roomId, room.candidateToken, 'B');
  expect(loaded(room.roomId)).toBe(true);
  a.text.insert(0, 'kept across unloads\n');
  await waitFor(() => b.text.toString() === a.text.toString(), 10_000, 'a -> b');

  // a leaves; once b sees a's cursor go, the server has processed the leave.
  a.destroy();
  await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), 10_000, "a's awareness removed at b");
  expect(loaded(room.roomId)).toBe(true);
  b.text.insert(b.text.length, 'written by the last one\n');

  b.destroy();
  await waitFor(() => !loaded(room.roomId), 10_000, 'the room unloading');

  const again = await client(room.roomId, room.candidateToken, 'C');
  expect(again.text.toString()).toBe('kept across unloads\nwritten by the last one\n');
  expect(again.doc.getMap('meta').get('language')).toBe('python');
});

test('rooms unload independently of each other', async () => {
  const one = await createRoom(server.httpUrl);
  const two = await createRoom(server.httpUrl);
  const inOne = await client(one.roomId, one.interviewerToken, 'one');
  const inTwo = await client(two.roomId, two.interviewerToken, 'two');
  inOne.destroy();
  await waitFor(() => !loaded(one.roomId), 10_000, 'room one unloading');
  expect(loaded(two.roomId)).toBe(true);
  inTwo.text.insert(0, 'still here');
  const secondInTwo = await client(two.roomId, two.candidateToken, 'two-b');
  expect(secondInTwo.text.toString()).toBe('still here');
});

test('leaving and rejoining in quick succession, repeatedly, never loses text', async () => {
  const room = await createRoom(server.httpUrl);
  let expected = '';
  for (let i = 0; i < 10; i++) {
    const yclient = await client(room.roomId, i % 2 ? room.candidateToken : room.interviewerToken, `round ${i}`);
    expect(yclient.text.toString()).toBe(expected);
    yclient.text.insert(yclient.text.length, `${i};`);
    expected += `${i};`;
    // Wait for the edit to be stored (it is in the log once the server applied it), then leave at once.
    await waitFor(async () => (await server.app.store.readUpdateLog(room.roomId)).length === i + 2, 10_000, `edit ${i} logged`);
    yclient.destroy();
  }
  await waitFor(() => !loaded(room.roomId), 10_000, 'the room unloading');
  const last = await client(room.roomId, room.candidateToken, 'last');
  expect(last.text.toString()).toBe(expected);
});

test('a client that vanishes without a close frame also lets the room unload', async () => {
  const room = await createRoom(server.httpUrl);
  const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.interviewerToken));
  expect(loaded(room.roomId)).toBe(true);
  ws.terminate(); // TCP reset, no WebSocket close handshake
  await waitFor(() => !loaded(room.roomId), 10_000, 'the room unloading');
});

test('an authenticated upgrade that fails the WebSocket handshake does not keep the room loaded', async () => {
  const room = await createRoom(server.httpUrl);
  // Valid room and token, but no Sec-WebSocket-Key/Version: the WebSocket layer refuses it.
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(
        `GET /yjs/${room.roomId}?token=${room.interviewerToken} HTTP/1.1\r\n` +
          `Host: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      );
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  await waitFor(() => !loaded(room.roomId), 10_000, 'the room unloading');
  // And the room still works.
  const yclient = await client(room.roomId, room.candidateToken, 'after');
  expect(yclient.doc.getMap('meta').get('language')).toBe('python');
});
