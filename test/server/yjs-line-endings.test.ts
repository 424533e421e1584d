// Carriage returns never survive in the shared code: "\r\n" and lone "\r" become "\n" on
// every client, the sender included, and on the server.
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

async function pair(): Promise<{ roomId: string; token: string; a: YClient; b: YClient }> {
  const room = await createRoom(server.httpUrl);
  const a = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken);
  cleanup.add(() => a.destroy());
  const b = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken);
  cleanup.add(() => b.destroy());
  return { roomId: room.roomId, token: room.candidateToken, a, b };
}

async function expectEverywhere(roomId: string, clients: YClient[], expected: string): Promise<void> {
  const texts = () => [...clients.map((client) => client.text.toString()), server.app.registry.get(roomId)?.doc.getText('code').toString()];
  await waitFor(() => texts().every((text) => text === expected), 10_000, () => `every copy to be ${JSON.stringify(expected)}: ${JSON.stringify(texts())}`);
}

test('"a\\r\\nb\\rc" becomes "a\\nb\\nc" on both clients, the sender included', async () => {
  const { roomId, a, b } = await pair();
  a.text.insert(0, 'a\r\nb\rc');
  await expectEverywhere(roomId, [a, b], 'a\nb\nc');
});

test('carriage returns inserted into the middle of existing text are rewritten in place', async () => {
  const { roomId, a, b } = await pair();
  a.text.insert(0, 'first\nlast');
  await expectEverywhere(roomId, [a, b], 'first\nlast');
  b.text.insert(6, 'middle\r\nmore\r');
  await expectEverywhere(roomId, [a, b], 'first\nmiddle\nmore\nlast');
  // Editing continues normally at positions computed from the rewritten text.
  a.text.insert(a.text.toString().indexOf('more') + 4, '!');
  await expectEverywhere(roomId, [a, b], 'first\nmiddle\nmore!\nlast');
});

test('the stored document holds the rewritten text: a reload after everyone left has no carriage return', async () => {
  const { roomId, token, a, b } = await pair();
  a.text.insert(0, 'x\r\ny\r\n');
  await expectEverywhere(roomId, [a, b], 'x\ny\n');
  a.destroy();
  b.destroy();
  await waitFor(() => !server.app.registry.loadedRoomIds.includes(roomId), 10_000, 'the room unloading');
  const rejoined = await syncedYClient(server.wsUrl, roomId, token);
  cleanup.add(() => rejoined.destroy());
  expect(rejoined.text.toString()).toBe('x\ny\n');
});

test('rewrites are made under one server identity: repeated pastes do not add a Yjs client each', async () => {
  const { roomId, a, b } = await pair();
  const serverDoc = server.app.registry.get(roomId)!.doc;
  const serverClientId = serverDoc.clientID;
  const clientsInStateVector = () => Y.decodeStateVector(Y.encodeStateVector(b.doc)).size;
  // Lone "\r" (old Mac endings) makes the server insert a "\n" of its own.
  a.text.insert(0, 'one\r');
  await expectEverywhere(roomId, [a, b], 'one\n');
  const afterFirstRewrite = clientsInStateVector();
  let expected = 'one\n';
  for (const line of ['two', 'three', 'four', 'five']) {
    a.text.insert(a.text.length, `${line}\r`);
    expected += `${line}\n`;
    await expectEverywhere(roomId, [a, b], expected);
  }
  // Yjs treats the server changing its own client's state inside a remote transaction as an
  // id collision: it prints a false "[yjs] Changed the client-id" warning and switches ids,
  // so every rewrite leaves one more client in every copy's state vector, forever.
  expect(clientsInStateVector()).toBe(afterFirstRewrite);
  expect(serverDoc.clientID).toBe(serverClientId);
});
