// Fault test 1: clients of one room on different instances type at once; every document,
// and the one in the shared database, ends identical with every keystroke in it.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { openPostgresStore } from '../../server/persistence/postgres-store.ts';
import { clusterFixture, roomsLoaded } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { startTyping, tokensIn } from '../helpers/typist.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const fixture = clusterFixture();
const { cleanup } = fixture;

describe.skipIf(!fixture.ready)('two instances, one room', () => {
  test('clients split across instances typing concurrently converge to identical text', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const clients: YClient[] = [];
    for (const [i, instance] of [a, b, a, b].entries()) {
      const token = i % 2 === 0 ? room.interviewerToken : room.candidateToken;
      const client = await syncedYClient(instance.wsUrl, room.roomId, token, { name: `c${i}` });
      cleanup.add(() => client.destroy());
      clients.push(client);
    }
    const typists = clients.map((client, i) => startTyping(client, `c${i}`, 15));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const typist of typists) typist.stop();

    const texts = () => clients.map((client) => client.text.toString());
    await expect.poll(() => new Set(texts()).size, { timeout: 20_000 }).toBe(1);
    const [text] = texts();
    for (const typist of typists) {
      expect(typist.typed.length).toBeGreaterThan(50);
      expect(tokensIn(text!, typist)).toEqual(typist.typed);
    }
    // Awareness crosses instances too: each client sees the other three people.
    for (const client of clients) await expect.poll(() => client.awareness.getStates().size).toBe(4);

    // The database holds the same document: a fresh client loads it on the other instance
    // after everyone left (the room unloads everywhere, so the load comes from PostgreSQL).
    for (const client of clients) client.destroy();
    for (const instance of [a, b]) await expect.poll(() => roomsLoaded(instance.httpUrl)).toBe(0);
    const fresh = await syncedYClient(b.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => fresh.destroy());
    expect(fresh.text.toString()).toBe(text);
  });

  test('an update an instance stored but never relayed reaches the others even when nothing follows it', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const onA = await syncedYClient(a.wsUrl, room.roomId, room.interviewerToken);
    const onB = await syncedYClient(b.wsUrl, room.roomId, room.candidateToken);
    for (const client of [onA, onB]) cleanup.add(() => client.destroy());
    // What an instance that died between its commit and its publish leaves behind.
    const author = new Y.Doc();
    author.getText('code').insert(0, 'stored-not-relayed');
    const store = await openPostgresStore(fixture.cluster.postgres.url, { poolSize: 1 });
    try {
      await store.appendUpdate(room.roomId, Y.encodeStateAsUpdate(author), 'interviewer:gone', Date.now());
    } finally {
      await store.close();
    }
    for (const client of [onA, onB]) await expect.poll(() => client.text.toString(), { timeout: 20_000 }).toBe('stored-not-relayed');
  });
});
