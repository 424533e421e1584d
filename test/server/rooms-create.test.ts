// POST /api/rooms: what a new room hands out (ids, tokens, links) and who may create one.
import { afterEach, describe, expect, test } from 'vitest';
import { LANGUAGES, type CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup } from '../helpers/wait-for.ts';

const BASE64URL_TOKEN = /^[A-Za-z0-9_-]{32,}$/;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startTestServer(env);
  cleanup.add(() => started.close());
  return started;
}

function postRooms(httpUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${httpUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('POST /api/rooms', () => {
  test('answers 201 with a room id, two distinct tokens and path links carrying them', async () => {
    const { httpUrl } = await server();
    const response = await postRooms(httpUrl, { title: 'Backend pairing', language: 'typescript' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const room = (await response.json()) as CreateRoomResponse;
    expect(Object.keys(room).sort()).toEqual(['candidateToken', 'candidateUrl', 'interviewerToken', 'interviewerUrl', 'roomId']);
    expect(room.roomId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(room.interviewerToken).toMatch(BASE64URL_TOKEN);
    expect(room.candidateToken).toMatch(BASE64URL_TOKEN);
    expect(room.interviewerToken).not.toBe(room.candidateToken);
    expect(room.interviewerUrl).toBe(`/r/${room.roomId}#t=${room.interviewerToken}`);
    expect(room.candidateUrl).toBe(`/r/${room.roomId}#t=${room.candidateToken}`);
  });

  test('an empty body is enough, and every language of the list is accepted', async () => {
    const { httpUrl } = await server();
    const bare = await fetch(`${httpUrl}/api/rooms`, { method: 'POST' });
    expect(bare.status).toBe(201);
    for (const language of LANGUAGES) {
      const response = await postRooms(httpUrl, { language });
      expect(response.status, language).toBe(201);
    }
  });

  test('rooms and tokens never repeat across rooms', async () => {
    const { httpUrl } = await server();
    const rooms = await Promise.all(Array.from({ length: 20 }, () => createRoom(httpUrl)));
    const roomIds = new Set(rooms.map((room) => room.roomId));
    const tokens = new Set(rooms.flatMap((room) => [room.interviewerToken, room.candidateToken]));
    expect(roomIds.size).toBe(20);
    expect(tokens.size).toBe(40);
  });

  test('with PUBLIC_URL set the links are absolute (trailing slash or not, with a path prefix too)', async () => {
    const plain = await server({ PUBLIC_URL: 'https://interviews.example.com/' });
    const room = await createRoom(plain.httpUrl);
    expect(room.interviewerUrl).toBe(`https://interviews.example.com/r/${room.roomId}#t=${room.interviewerToken}`);
    expect(room.candidateUrl).toBe(`https://interviews.example.com/r/${room.roomId}#t=${room.candidateToken}`);

    const prefixed = await server({ PUBLIC_URL: 'https://example.com/hiring' });
    const other = await createRoom(prefixed.httpUrl);
    expect(other.candidateUrl).toBe(`https://example.com/hiring/r/${other.roomId}#t=${other.candidateToken}`);
  });

  test('with ROOM_CREATE_KEY set, creating needs "Authorization: Bearer <key>"', async () => {
    const key = 'k3y-for-creating-rooms-0123456789';
    const { httpUrl } = await server({ ROOM_CREATE_KEY: key });

    const refusedHeaders: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-key-but-long-enough' }, { authorization: key }, { authorization: `Basic ${key}` }];
    for (const headers of refusedHeaders) {
      const refused = await postRooms(httpUrl, { title: 'x' }, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      const body = (await refused.json()) as { error: { id: string; message: string } };
      expect(body.error.id).toBe('unauthorized');
      expect(body.error.message).toContain('ROOM_CREATE_KEY');
    }

    const accepted = await postRooms(httpUrl, { title: 'x' }, { authorization: `Bearer ${key}` });
    expect(accepted.status).toBe(201);
    const room = (await accepted.json()) as CreateRoomResponse;
    // The room works: its own token opens it.
    const info = await fetch(`${httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(info.status).toBe(200);
  });

  test('without ROOM_CREATE_KEY anyone may create, and a stray Authorization header is ignored', async () => {
    const { httpUrl } = await server();
    const response = await postRooms(httpUrl, {}, { authorization: 'Bearer whatever' });
    expect(response.status).toBe(201);
  });
});
