// The whiteboard's image store: either role uploads and downloads by file id, within a size
// cap and a list of image types; files are served so a hostile SVG cannot run, and go with the room.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { WHITEBOARD_FILE_MAX_BYTES } from '../../shared/whiteboard-files.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

describe('whiteboard files API', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  const url = (fileId: string, roomId = room.roomId) => `${server.httpUrl}/api/rooms/${roomId}/whiteboard/files/${fileId}`;
  const put = (fileId: string, token: string, body: Uint8Array | string, type: string) =>
    fetch(url(fileId), { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: body as BodyInit });
  const get = (fileId: string, token: string) => fetch(url(fileId), { headers: { authorization: `Bearer ${token}` } });
  const errorId = async (response: Response) => ((await response.json()) as { error: { id: string; message: string } }).error;

  beforeAll(async () => {
    server = await startTestServer();
    room = await createRoom(server.httpUrl, { title: 'Files' });
  });
  afterAll(async () => server?.close());

  test('each role uploads an image and both download the same bytes', async () => {
    for (const [fileId, uploader] of [['from-interviewer', room.interviewerToken], ['from_candidate', room.candidateToken]] as const) {
      expect((await put(fileId, uploader, PNG, 'image/png')).status).toBe(204);
      for (const reader of [room.interviewerToken, room.candidateToken]) {
        const response = await get(fileId, reader);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
      }
    }
  });

  test('files are immutable by id: a second upload of an id keeps the first', async () => {
    expect((await put('fixed', room.interviewerToken, PNG, 'image/png')).status).toBe(204);
    expect((await put('fixed', room.candidateToken, new Uint8Array([1, 2, 3]), 'image/gif')).status).toBe(204);
    const response = await get('fixed', room.candidateToken);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test('an image over the cap is refused with 413 and a clear message', async () => {
    const response = await put('huge', room.candidateToken, new Uint8Array(WHITEBOARD_FILE_MAX_BYTES + 1), 'image/png');
    expect(response.status).toBe(413);
    const error = await errorId(response);
    expect(error.id).toBe('body_too_large');
    expect(error.message).toMatch(/at most 2 MB/);
    expect((await get('huge', room.candidateToken)).status).toBe(404);
    // Exactly at the cap is fine.
    expect((await put('at-cap', room.candidateToken, new Uint8Array(WHITEBOARD_FILE_MAX_BYTES), 'image/png')).status).toBe(204);
  });

  test('other types, empty bodies and malformed ids are refused with 400', async () => {
    for (const type of ['text/html', 'application/octet-stream', 'image/bmp']) {
      const response = await put('typed', room.interviewerToken, PNG, type);
      expect(response.status).toBe(400);
      expect((await errorId(response)).id).toBe('bad_request');
    }
    expect((await put('empty', room.interviewerToken, new Uint8Array(0), 'image/png')).status).toBe(400);
    for (const badId of ['a.b', 'a~b', 'a%2Fb', 'x'.repeat(101), 'sp%20ace']) {
      expect((await put(badId, room.interviewerToken, PNG, 'image/png')).status).toBe(400);
      expect((await get(badId, room.interviewerToken)).status).toBe(400);
    }
  });

  test('a wrong token gets 401, a token of another room too, and an unknown file 404', async () => {
    expect((await put('nope', 'not-a-token', PNG, 'image/png')).status).toBe(401);
    expect((await get('from-interviewer', 'not-a-token')).status).toBe(401);
    expect((await fetch(url('from-interviewer'))).status).toBe(401);
    const other = await createRoom(server.httpUrl, { title: 'Other' });
    expect((await get('from-interviewer', other.interviewerToken)).status).toBe(401);
    const missing = await get('never-uploaded', room.candidateToken);
    expect(missing.status).toBe(404);
    expect((await errorId(missing)).id).toBe('not_found');
  });

  test('an SVG is served as SVG with nosniff and a CSP that lets nothing run', async () => {
    expect((await put('drawing', room.candidateToken, SVG, 'image/svg+xml; charset=utf-8')).status).toBe(204);
    const response = await get('drawing', room.interviewerToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await response.text()).toBe(SVG);
  });

  test("deleting the room deletes its files", async () => {
    const doomed = await createRoom(server.httpUrl, { title: 'Doomed' });
    const upload = await fetch(url('kept', doomed.roomId), {
      method: 'PUT',
      headers: { authorization: `Bearer ${doomed.candidateToken}`, 'content-type': 'image/png' },
      body: PNG,
    });
    expect(upload.status).toBe(204);
    expect(await server.app.store.getWhiteboardFile(doomed.roomId, 'kept')).toBeDefined();
    const deleted = await fetch(`${server.httpUrl}/api/rooms/${doomed.roomId}`, { method: 'DELETE', headers: { authorization: `Bearer ${doomed.interviewerToken}` } });
    expect(deleted.ok).toBe(true);
    expect(await server.app.store.getWhiteboardFile(doomed.roomId, 'kept')).toBeUndefined();
    expect((await fetch(url('kept', doomed.roomId), { headers: { authorization: `Bearer ${doomed.interviewerToken}` } })).status).toBe(404);
  });
});

describe('whiteboard files per room', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WHITEBOARD_FILES_MAX_BYTES: String(1024 * 1024) });
  });
  afterAll(async () => server?.close());

  test("images past the room's total (WHITEBOARD_FILES_MAX_BYTES) are refused with 413; the earlier ones stay", async () => {
    const room = await createRoom(server.httpUrl, { title: 'Many images' });
    const upload = (fileId: string) =>
      fetch(`${server.httpUrl}/api/rooms/${room.roomId}/whiteboard/files/${fileId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${room.candidateToken}`, 'content-type': 'image/png' },
        body: new Uint8Array(400 * 1024),
      });
    expect((await upload('one')).status).toBe(204);
    expect((await upload('two')).status).toBe(204);
    const third = await upload('three');
    expect(third.status).toBe(413);
    const body = (await third.json()) as { error: { id: string; message: string } };
    expect(body.error.id).toBe('limit_reached');
    expect(body.error.message).toContain('1 MB');
    const first = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/whiteboard/files/one`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(first.status).toBe(200);
  });
});
