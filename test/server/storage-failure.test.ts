// When the database refuses a write, the edit must not be lost and must not be relayed
// before it is stored: the room's connections close with a transient code (1011), the
// clients keep the edit and resend it on reconnect, and it lands once storage works again.
// The failure is injected through SQLite itself: a trigger that aborts inserts into the
// update log, as a full disk or an I/O error would.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { createRoom, startTestServer } from '../helpers/server.ts';
import { Cleanup, waitFor, withTimeout } from '../helpers/wait-for.ts';
import { syncedYClient, whenSynced, type YClient } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const nextClose = (client: YClient) =>
  withTimeout(
    new Promise<number | undefined>((resolve) => client.provider.once('connection-close', (event) => resolve(event?.code))),
    10_000,
    'the connection closing',
  );

test('a failed write closes the room with 1011, and the edit is stored and relayed after recovery', async () => {
  const server = await startTestServer();
  cleanup.add(() => server.close());
  const room = await createRoom(server.httpUrl);
  const a = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'A' });
  cleanup.add(() => a.destroy());
  const b = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'B' });
  cleanup.add(() => b.destroy());
  a.text.insert(0, 'stored;');
  await waitFor(() => b.text.toString() === 'stored;', 10_000, 'the first edit reaching b');

  const db = new Database(path.join(server.dataDir, 'rooms.sqlite'));
  cleanup.add(() => db.close());
  db.exec(`CREATE TRIGGER fail_writes BEFORE INSERT ON yjs_updates BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);

  const aClosed = nextClose(a);
  const bClosed = nextClose(b);
  a.text.insert(a.text.length, 'unsaved;');
  const aCode = await aClosed;
  expect(b.text.toString()).toBe('stored;'); // nothing unstored was relayed
  // 1011 is transient: y-websocket reconnects. A 4400-4499 code would make it give up, and
  // the edit would stay stranded in that one browser.
  expect(aCode, "close code of the author's connection").toBe(1011);
  expect(a.provider.shouldConnect).toBe(true);
  expect(await bClosed, "close code of the other connection").toBe(1011);
  db.exec('DROP TRIGGER fail_writes');

  await Promise.all([whenSynced(a, 20_000), whenSynced(b, 20_000)]);
  await waitFor(() => b.text.toString() === 'stored;unsaved;', 10_000, () => `the edit reaching b after recovery: ${JSON.stringify(b.text.toString())}`);
  const log = await server.app.store.readUpdateLog(room.roomId);
  expect(log.some((entry) => Buffer.from(entry.update).includes('unsaved;'))).toBe(true);
});
