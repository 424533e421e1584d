// GET /api/rooms/:roomId tells a token holder its role and the room's title; GET /healthz.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreateRoomResponse, RoomInfo } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let room: CreateRoomResponse;
let other: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.httpUrl, { title: 'Staff engineer loop', language: 'javascript' });
  other = await createRoom(server.httpUrl);
});
afterAll(() => server?.close());

function getRoom(roomId: string, authorization?: string): Promise<Response> {
  return fetch(`${server.httpUrl}/api/rooms/${encodeURIComponent(roomId)}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

/** The same token with its last character changed. */
const alter = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

async function errorId(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { id: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  return body.error.id;
}

describe('GET /api/rooms/:roomId', () => {
  test('the interviewer token answers role interviewer and the title', async () => {
    const response = await getRoom(room.roomId, `Bearer ${room.interviewerToken}`);
    expect(response.status).toBe(200);
    const info = (await response.json()) as RoomInfo;
    expect(info).toMatchObject({ roomId: room.roomId, title: 'Staff engineer loop', role: 'interviewer' });
    expect(Number.isNaN(Date.parse(info.createdAt))).toBe(false);
  });

  test('the candidate token answers role candidate', async () => {
    const response = await getRoom(room.roomId, `Bearer ${room.candidateToken}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ roomId: room.roomId, title: 'Staff engineer loop', role: 'candidate' });
  });

  test('a room created without a title has the default one', async () => {
    const response = await getRoom(other.roomId, `Bearer ${other.candidateToken}`);
    expect(response.status).toBe(200);
    const info = (await response.json()) as RoomInfo;
    expect(info.title).toBe('Interview');
  });

  test('a wrong, missing or other room\'s token: 401 unauthorized', async () => {
    for (const authorization of [
      `Bearer ${alter(room.interviewerToken)}`,
      undefined,
      `Bearer ${other.interviewerToken}`,
      room.interviewerToken, // not a Bearer header
    ]) {
      const response = await getRoom(room.roomId, authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(await errorId(response)).toBe('unauthorized');
    }
  });

  test('an unknown room: 404 room_not_found, also for ids that cannot exist', async () => {
    for (const roomId of ['AAAAAAAAAAAAAAAA', 'no', 'bad id with spaces']) {
      const response = await getRoom(roomId, `Bearer ${room.interviewerToken}`);
      expect(response.status, roomId).toBe(404);
      expect(await errorId(response)).toBe('room_not_found');
    }
  });
});

test('GET /healthz answers 200', async () => {
  const response = await fetch(`${server.httpUrl}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true });
});
