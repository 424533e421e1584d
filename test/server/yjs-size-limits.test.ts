// A room's document and its update log have size limits. Past them a change is refused (close
// code 4413) and nothing already acknowledged is lost; an ended room refuses edits (4422) instead
// of dropping them silently, so a client does not resend them on every reconnect.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { syncedYClient, type YClient } from '../helpers/yjs-client.ts';

const KB = 1024;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function open(server: TestServer, room: CreateRoomResponse, token = room.candidateToken): Promise<YClient> {
  const client = await syncedYClient(server.wsUrl, room.roomId, token, { name: 'someone' });
  cleanup.add(() => client.destroy());
  return client;
}

async function storedText(server: TestServer, roomId: string): Promise<string> {
  await server.app.registry.get(roomId)?.flushed();
  const doc = server.app.registry.get(roomId)?.doc;
  return doc ? doc.getText('code').toString() : '';
}

/** Waits until the server stored `text` as the code, or closed the client. */
async function settle(server: TestServer, client: YClient, roomId: string, text: string): Promise<'stored' | number> {
  let outcome: 'stored' | number | undefined;
  await waitFor(async () => {
    if (client.closeCodes.length > 0) outcome = client.closeCodes[0];
    else if ((await storedText(server, roomId)) === text) outcome = 'stored';
    return outcome !== undefined;
  });
  if (typeof outcome === 'number') client.provider.disconnect();
  return outcome!;
}

describe('ROOM_DOC_MAX_BYTES', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOM_DOC_MAX_BYTES: String(64 * KB) });
  });
  afterAll(() => server?.close());

  test('a paste past the limit is refused; what was stored stays; deleting makes room again', async () => {
    const room = await createRoom(server.httpUrl);
    const candidate = await open(server, room);
    const chunk = (letter: string) => letter.repeat(25 * KB);
    candidate.text.insert(0, chunk('a'));
    expect(await settle(server, candidate, room.roomId, chunk('a'))).toBe('stored');
    candidate.text.insert(candidate.text.length, chunk('b'));
    expect(await settle(server, candidate, room.roomId, chunk('a') + chunk('b'))).toBe('stored');
    candidate.text.insert(candidate.text.length, chunk('c'));
    expect(await settle(server, candidate, room.roomId, chunk('a') + chunk('b') + chunk('c'))).toBe(WS_CLOSE.limitExceeded);

    // A fresh client (what the browser does after 4413) gets the stored text, and may free space.
    const again = await open(server, room);
    expect(again.text.toString() === chunk('a') + chunk('b')).toBe(true);
    again.text.delete(0, again.text.length);
    expect(await settle(server, again, room.roomId, '')).toBe('stored');
    again.text.insert(0, chunk('d'));
    expect(await settle(server, again, room.roomId, chunk('d'))).toBe('stored');
  });
});

describe('ROOM_LOG_MAX_BYTES', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOM_LOG_MAX_BYTES: String(100 * KB) });
  });
  afterAll(() => server?.close());

  test('paste-delete loops cannot grow the update log without bound', async () => {
    const room = await createRoom(server.httpUrl);
    const candidate = await open(server, room);
    let outcome: 'stored' | number = 'stored';
    let rounds = 0;
    while (outcome === 'stored' && rounds < 20) {
      rounds += 1;
      candidate.text.insert(0, 'x'.repeat(20 * KB));
      outcome = await settle(server, candidate, room.roomId, 'x'.repeat(20 * KB));
      if (outcome !== 'stored') break;
      candidate.text.delete(0, candidate.text.length);
      outcome = await settle(server, candidate, room.roomId, '');
    }
    expect(outcome).toBe(WS_CLOSE.limitExceeded);
    const log = await server.app.store.readUpdateLog(room.roomId);
    expect(log.reduce((sum, logged) => sum + logged.update.byteLength, 0)).toBeLessThanOrEqual(100 * KB);
  });
});

describe('an ended interview', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  test("an interviewer's edit after the end is refused (4422) instead of dropped, and a fresh client syncs clean", async () => {
    const room = await createRoom(server.httpUrl);
    const interviewer = await open(server, room, room.interviewerToken);
    interviewer.text.insert(0, 'final answer');
    expect(await settle(server, interviewer, room.roomId, 'final answer')).toBe('stored');
    const ended = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.interviewerToken}` },
    });
    expect(ended.ok).toBe(true);
    await waitFor(() => [...(server.app.registry.get(room.roomId)?.connections ?? [])].every((c) => c.readOnly));
    interviewer.text.insert(0, 'late ');
    expect(await settle(server, interviewer, room.roomId, 'late final answer')).toBe(WS_CLOSE.updateRefused);
    const fresh = await open(server, room, room.interviewerToken);
    expect(fresh.text.toString()).toBe('final answer');
    expect(fresh.closeCodes).toEqual([]);
  });
});
