// The /yjs/<roomId>?token=… upgrade is decided over plain HTTP: a refused client gets a
// status and a JSON error, and no WebSocket is ever established.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { closeOf, openWebSocket, rejectedUpgrade, yjsUrl, type RejectedUpgrade } from '../helpers/yjs-client.ts';

let server: TestServer;
let room: CreateRoomResponse;
let other: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.httpUrl);
  other = await createRoom(server.httpUrl);
});
afterAll(() => server?.close());

function expectRefused(answer: RejectedUpgrade, status: number, errorId: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['sec-websocket-accept']).toBeUndefined();
  expect(answer.headers.upgrade).toBeUndefined();
  const body = JSON.parse(answer.body) as { error: { id: string; message: string } };
  expect(body.error.id).toBe(errorId);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe('/yjs upgrade', () => {
  test('a valid token opens a WebSocket (control)', async () => {
    for (const token of [room.interviewerToken, room.candidateToken]) {
      const ws = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, token));
      const closed = closeOf(ws);
      ws.close(1000);
      expect((await closed).code).toBe(1000);
    }
  });

  test('an unknown room: 404 room_not_found', async () => {
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, 'NoSuchRoom123456', room.interviewerToken)), 404, 'room_not_found');
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, 'bad!id', room.interviewerToken)), 404, 'room_not_found');
  });

  test('a missing, empty or wrong token: 401 unauthorized', async () => {
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId)), 401, 'unauthorized');
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId, '')), 401, 'unauthorized');
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId, 'x'.repeat(32))), 401, 'unauthorized');
  });

  test("a valid token of another room: 401, and the refused room's document is never loaded", async () => {
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId, other.interviewerToken)), 401, 'unauthorized');
    expectRefused(await rejectedUpgrade(yjsUrl(server.wsUrl, other.roomId, room.candidateToken)), 401, 'unauthorized');
    expect(server.app.registry.loadedRoomIds).not.toContain(room.roomId);
    expect(server.app.registry.loadedRoomIds).not.toContain(other.roomId);
  });

  test('a token in an Authorization header instead of the query is not accepted', async () => {
    const answer = await rejectedUpgrade(yjsUrl(server.wsUrl, room.roomId), { authorization: `Bearer ${room.interviewerToken}` });
    expectRefused(answer, 401, 'unauthorized');
  });

  test('upgrades to paths other than /yjs/<roomId> answer 404', async () => {
    for (const path of ['/', '/ws', '/yjs', '/socket.io', `/yjsx/${room.roomId}`, '/api/rooms', `/r/${room.roomId}`]) {
      const answer = await rejectedUpgrade(`${server.wsUrl}${path}?token=${room.interviewerToken}`);
      expect(answer.status, path).toBe(404);
      expect(answer.headers['sec-websocket-accept']).toBeUndefined();
      expect((JSON.parse(answer.body) as { error: { id: string } }).error.id).toBe('not_found');
    }
  });
});
