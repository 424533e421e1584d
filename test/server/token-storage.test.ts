// Tokens are stored hashed: the raw token bytes never reach the SQLite files, whatever
// the room went through (creation, joins, edits, an unload snapshot).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRoom, startTestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The database and its write-ahead log as bytes (the WAL holds recent writes before a checkpoint). */
function databaseBytes(dataDir: string): Buffer {
  const files = ['rooms.sqlite', 'rooms.sqlite-wal'].map((name) => path.join(dataDir, name)).filter((file) => fs.existsSync(file));
  expect(files.length).toBeGreaterThan(0);
  return Buffer.concat(files.map((file) => fs.readFileSync(file)));
}

test('no raw token appears in rooms.sqlite or its -wal file', async () => {
  const server = await startTestServer();
  cleanup.add(() => server.close());
  const rooms = await Promise.all([
    createRoom(server.httpUrl, { title: 'Hashing check' }),
    createRoom(server.httpUrl, { title: 'Second room', language: 'sql' }),
  ]);
  // Use the tokens everywhere they are accepted, so any code path that might store them runs.
  for (const room of rooms) {
    for (const token of [room.interviewerToken, room.candidateToken]) {
      const info = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(info.status).toBe(200);
      const client = await syncedYClient(server.wsUrl, room.roomId, token, { name: `user ${token.slice(0, 4)}` });
      client.text.insert(0, 'x');
      client.destroy();
    }
  }
  await waitFor(() => server.app.registry.loadedRoomIds.length === 0, 10_000, 'rooms unloading');

  const bytes = databaseBytes(server.dataDir);
  // Control: the files do hold these rooms (room ids are stored in clear), so a miss below means something.
  for (const room of rooms) expect(bytes.includes(Buffer.from(room.roomId)), 'room id stored').toBe(true);
  for (const room of rooms) {
    for (const token of [room.interviewerToken, room.candidateToken]) {
      expect(bytes.includes(Buffer.from(token, 'utf8')), 'token text in the database').toBe(false);
      expect(bytes.includes(Buffer.from(token, 'base64url')), 'token bytes in the database').toBe(false);
    }
  }

  // Still true after the server checkpoints and closes the database.
  await server.close();
  const closed = databaseBytes(server.dataDir);
  for (const room of rooms) {
    for (const token of [room.interviewerToken, room.candidateToken]) expect(closed.includes(Buffer.from(token))).toBe(false);
  }
});
