// A frame that is not valid y-websocket protocol closes that connection with 4400; the
// room, its document and the other clients carry on as if nothing happened.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { Cleanup, waitFor } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, syncedYClient, yjsUrl, type YClient } from '../helpers/yjs-client.ts';

const INVALID_MESSAGE = 4400;

let server: TestServer;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Fixed pseudo-random bytes (so a failure is reproducible). */
function noise(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  });
}

/** A real update inserting `text`, cut short so its delete set is missing. */
function truncatedUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('code').insert(0, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update.subarray(0, update.length - 2);
}

const INVALID_FRAMES: [string, Uint8Array][] = [
  // Random bytes, led by a message type the protocol does not have.
  ['random bytes', Uint8Array.from([0x2a, ...noise(64, 7)])],
  ['random bytes (second sample)', Uint8Array.from([0x7f, ...noise(300, 1234)])],
  ['a sync-update frame [0, 2, varUint8Array(garbage)]', frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, noise(48, 99));
  })],
  ['a sync-step2 frame with garbage', frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, noise(16, 5));
  })],
  ['a sync-update frame holding a truncated real update', frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, truncatedUpdate('SHOULD-NOT-APPEAR'));
  })],
  ['a sync-step1 frame with a garbage state vector', frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint8Array(e, Uint8Array.from([5, 0xff, 0xff, 0xff]));
  })],
  ['an unknown sync type', frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 9);
    encoding.writeVarUint8Array(e, new Uint8Array(0));
  })],
  ['an awareness frame with invalid JSON', frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, frame((inner) => {
      encoding.writeVarUint(inner, 1); // one client
      encoding.writeVarUint(inner, 12345); // client id
      encoding.writeVarUint(inner, 1); // clock
      encoding.writeVarString(inner, '{not json');
    }));
  })],
  ['an empty frame', new Uint8Array(0)],
  ['a lone sync type byte', Uint8Array.from([0])],
];

interface Room {
  room: CreateRoomResponse;
  a: YClient;
  b: YClient;
  intruder: WebSocket;
}

async function roomWithIntruder(): Promise<Room> {
  const room = await createRoom(server.httpUrl);
  const a = await syncedYClient(server.wsUrl, room.roomId, room.interviewerToken, { name: 'A' });
  cleanup.add(() => a.destroy());
  const b = await syncedYClient(server.wsUrl, room.roomId, room.candidateToken, { name: 'B' });
  cleanup.add(() => b.destroy());
  a.text.insert(0, 'before;');
  await waitFor(() => b.text.toString() === 'before;', 10_000, 'the first edit reaching b');
  // The misbehaving client holds a valid token: authentication is not what stops it.
  const intruder = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.candidateToken));
  cleanup.add(() => intruder.terminate());
  return { room, a, b, intruder };
}

/** The other clients keep syncing both ways, and nobody was disconnected. */
async function expectRoomUnaffected({ room, a, b }: Room, mark: string): Promise<void> {
  a.text.insert(a.text.length, `${mark}-a;`);
  b.text.insert(0, `${mark}-b;`);
  await waitFor(
    () => a.text.toString() === b.text.toString() && a.text.toString().includes(`${mark}-a;`) && a.text.toString().includes(`${mark}-b;`),
    10_000,
    () => `a and b still syncing: ${JSON.stringify([a.text.toString(), b.text.toString()])}`,
  );
  expect(a.closeCodes).toEqual([]);
  expect(b.closeCodes).toEqual([]);
  expect(a.text.toString()).not.toContain('SHOULD-NOT-APPEAR');
  expect(server.app.registry.get(room.roomId)?.doc.getText('code').toString()).toBe(a.text.toString());
  const info = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
  expect(info.status).toBe(200);
}

describe('an invalid frame closes only its own connection', () => {
  test.each(INVALID_FRAMES)('%s: close 4400, the other clients keep syncing', async (_name, bytes) => {
    const room = await roomWithIntruder();
    const closed = closeOf(room.intruder);
    room.intruder.send(bytes, { binary: true });
    expect((await closed).code).toBe(INVALID_MESSAGE);
    await expectRoomUnaffected(room, 'after');
  });

  test('a text frame: close 4400, the other clients keep syncing', async () => {
    const room = await roomWithIntruder();
    const closed = closeOf(room.intruder);
    room.intruder.send('{"type":"sync"}', { binary: false });
    expect((await closed).code).toBe(INVALID_MESSAGE);
    await expectRoomUnaffected(room, 'after-text');
  });

  test('a stock provider whose connection is closed with 4400 does not reconnect', async () => {
    const room = await roomWithIntruder();
    const victim = await syncedYClient(server.wsUrl, room.room.roomId, room.room.interviewerToken);
    cleanup.add(() => victim.destroy());
    const closed = new Promise<{ code: number }>((resolve) => victim.provider.on('closed', (event) => resolve(event)));
    victim.provider.ws?.send(INVALID_FRAMES[0]![1]);
    expect((await closed).code).toBe(INVALID_MESSAGE);
    expect(victim.provider.shouldConnect).toBe(false);
    await expectRoomUnaffected(room, 'after-provider');
  });

  test('several bad clients in turn never disturb the good ones', async () => {
    const room = await roomWithIntruder();
    room.intruder.close();
    for (const [index, [, bytes]] of INVALID_FRAMES.entries()) {
      const intruder = await openWebSocket(yjsUrl(server.wsUrl, room.room.roomId, room.room.interviewerToken));
      cleanup.add(() => intruder.terminate());
      const closed = closeOf(intruder);
      intruder.send(bytes, { binary: true });
      expect((await closed).code).toBe(INVALID_MESSAGE);
      await expectRoomUnaffected(room, `round${index}`);
    }
  });
});
