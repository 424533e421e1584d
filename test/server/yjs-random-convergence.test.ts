// Seeded random editing by several clients at once (inserts, deletes, offline spells) ends
// with every client and the server holding the same document. The seed is printed when a
// run fails; replay it with SEED=<n> npx vitest run test/server/yjs-random-convergence.test.ts
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, expect, onTestFailed, test } from 'vitest';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { prng } from '../helpers/prng.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, whenSynced, type YClient } from '../helpers/yjs-client.ts';

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

const baseSeed = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

const CLIENTS = 4;
const OPERATIONS = 300;

async function randomEditing(seed: number, alphabet: string): Promise<{ clients: YClient[]; roomId: string }> {
  onTestFailed(() => {
    console.error(`\n*** yjs-random-convergence failed with SEED=${seed} ***\n`);
  });
  const random = prng(seed);
  const int = (below: number) => Math.floor(random() * below);
  const room = await createRoom(server.httpUrl);
  const clients: YClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const token = i % 2 === 0 ? room.interviewerToken : room.candidateToken;
    const client = await syncedYClient(server.wsUrl, room.roomId, token, { name: `client ${i}` });
    cleanup.add(() => client.destroy());
    clients.push(client);
  }

  for (let op = 0; op < OPERATIONS; op++) {
    const client = clients[int(CLIENTS)]!;
    const roll = random();
    if (roll < 0.55 || client.text.length === 0) {
      const length = 1 + int(6);
      let inserted = '';
      for (let i = 0; i < length; i++) inserted += alphabet[int(alphabet.length)];
      client.text.insert(int(client.text.length + 1), inserted);
    } else if (roll < 0.9) {
      const at = int(client.text.length);
      client.text.delete(at, 1 + int(Math.min(8, client.text.length - at)));
    } else if (roll < 0.95 && client.provider.shouldConnect) {
      client.provider.disconnect(); // edits made now are sent when it reconnects
    } else if (!client.provider.shouldConnect) {
      client.provider.connect();
    }
    // Let the network deliver a random amount before the next edit, so edits cross in flight.
    const yields = int(3);
    for (let i = 0; i < yields; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  for (const client of clients) if (!client.provider.shouldConnect) client.provider.connect();
  await Promise.all(clients.map((client) => whenSynced(client)));
  const serverDoc = () => server.app.registry.get(room.roomId)?.doc;
  const describe = () =>
    `seed ${seed}: convergence of ${clients.length} clients and the server\n` +
    [...clients.map((client) => client.text.toString()), serverDoc()?.getText('code').toString()].map((text) => `  ${JSON.stringify(text)}`).join('\n');
  await waitFor(
    () => {
      const doc = serverDoc();
      if (!doc) return false;
      const expected = Buffer.from(Y.encodeStateVector(doc));
      const text = doc.getText('code').toString();
      return clients.every((client) => Buffer.from(Y.encodeStateVector(client.doc)).equals(expected) && client.text.toString() === text);
    },
    20_000,
    describe,
  );
  return { clients, roomId: room.roomId };
}

test(`${CLIENTS} clients editing at random converge (seed ${baseSeed})`, async () => {
  const { clients, roomId } = await randomEditing(baseSeed, 'abcdefgh \n\té{}()');
  const text = clients[0]!.text.toString();
  expect(text.length).toBeGreaterThan(0);
  for (const client of clients) expect(client.text.toString()).toBe(text);
  expect(server.app.registry.get(roomId)?.doc.getText('code').toString()).toBe(text);
});

test(`random edits containing carriage returns converge with none left (seed ${baseSeed + 1})`, async () => {
  const { clients } = await randomEditing(baseSeed + 1, 'ab\r\n\r ');
  const text = clients[0]!.text.toString();
  expect(text).not.toContain('\r');
  for (const client of clients) expect(client.text.toString()).toBe(text);
});
