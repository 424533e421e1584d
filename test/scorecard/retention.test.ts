// Rooms hold personal data: an interviewer can delete one now, and every room goes after
// ROOM_TTL_DAYS. Either way everyone is disconnected and nothing of it remains.
import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import { openSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { initialDocUpdate } from '../../server/rooms/room-service.ts';
import { hashToken } from '../../server/rooms/tokens.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (roomId: string, token: string) =>
  fetch(`${server!.httpUrl}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}` } });

test('an interviewer deletes the room: connections close, the data is gone, candidates cannot', async () => {
  server = await startTestServer();
  const room = await createRoom(server.httpUrl);
  const ws = new WebSocket(`${server.wsUrl}/yjs/${room.roomId}?token=${room.candidateToken}`);
  await new Promise((resolve) => ws.once('open', resolve));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

  const byCandidate = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { method: 'DELETE', headers: { authorization: `Bearer ${room.candidateToken}` } });
  expect(byCandidate.status).toBe(403);
  const deleted = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { method: 'DELETE', headers: { authorization: `Bearer ${room.interviewerToken}` } });
  expect(deleted.status).toBe(204);
  expect(await closed).toBe(4410);
  expect((await get(room.roomId, room.interviewerToken)).status).toBe(404);
  expect(await server.app.store.readUpdateLog(room.roomId)).toEqual([]);
});

test('rooms older than ROOM_TTL_DAYS are deleted at startup; newer ones stay and say how long they are kept', async () => {
  const dataDir = tempDataDir();
  const store = openSqliteStore(dataDir);
  const day = 86_400_000;
  for (const [id, ageDays] of [['old-room-0001', 8], ['new-room-0001', 2]] as const) {
    await store.createRoom(
      { id, title: id, language: 'python', createdAtMs: Date.now() - ageDays * day, endedAtMs: null },
      [{ tokenHash: hashToken(`token-${id}`), role: 'interviewer' }],
      initialDocUpdate('python'),
    );
  }
  await store.close();

  server = await startTestServer({ DATA_DIR: dataDir, ROOM_TTL_DAYS: '7' });
  await expect.poll(async () => (await get('old-room-0001', 'token-old-room-0001')).status).toBe(404);
  const kept = await get('new-room-0001', 'token-new-room-0001');
  expect(kept.status).toBe(200);
  expect(((await kept.json()) as { retentionDays: number }).retentionDays).toBe(7);
});
