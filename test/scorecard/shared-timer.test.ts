// The shared countdown: interviewers start and stop it, everyone in the room sees it (also
// when joining late), and a candidate cannot touch it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SharedTimer } from '../../shared/events.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, roomSocket, type RoomSocket } from '../helpers/socket-client.ts';

let server: TestServer;
const sockets: RoomSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

/** Connects and resolves with the socket and the timer state it was sent on join. */
async function join(roomId: string, token: string, name: string) {
  const socket = roomSocket(server.httpUrl, { roomId, token, name });
  sockets.push(socket);
  const initial = new Promise<SharedTimer | null>((resolve) => socket.once('timer:update', resolve));
  await connectSocket(socket);
  return { socket, initial: await initial };
}

const next = <T>(socket: RoomSocket, event: 'timer:update' | 'room:error') =>
  new Promise<T>((resolve) => socket.once(event, ((payload: T) => resolve(payload)) as never));

test('the interviewer starts and stops a countdown that both people see', async () => {
  const room = await createRoom(server.httpUrl);
  const interviewer = await join(room.roomId, room.interviewerToken, 'Ines');
  const candidate = await join(room.roomId, room.candidateToken, 'Cleo');
  expect(candidate.initial).toBeNull();

  const seen = next<SharedTimer>(candidate.socket, 'timer:update');
  interviewer.socket.emit('timer:set', { minutes: 12, label: 'NDCG question' });
  const timer = await seen;
  expect(timer.label).toBe('NDCG question');
  expect(timer.startedBy).toBe('Ines');
  const minutesLeft = (Date.parse(timer.endsAt) - Date.now()) / 60_000;
  expect(minutesLeft).toBeGreaterThan(11);
  expect(minutesLeft).toBeLessThanOrEqual(12);

  const late = await join(room.roomId, room.candidateToken, 'Cleo again');
  expect(late.initial?.endsAt).toBe(timer.endsAt);

  const cleared = next<SharedTimer | null>(candidate.socket, 'timer:update');
  interviewer.socket.emit('timer:set', { minutes: 0 });
  expect(await cleared).toBeNull();
});

test('a candidate cannot set the timer, and a bad payload is refused', async () => {
  const room = await createRoom(server.httpUrl);
  const interviewer = await join(room.roomId, room.interviewerToken, 'Ines');
  const candidate = await join(room.roomId, room.candidateToken, 'Cleo');
  const refused = next<{ error: { id: string } }>(candidate.socket, 'room:error');
  candidate.socket.emit('timer:set', { minutes: 5 });
  expect((await refused).error.id).toBe('forbidden');

  const bad = next<{ error: { id: string; message: string } }>(interviewer.socket, 'room:error');
  interviewer.socket.emit('timer:set', { minutes: -1 } as never);
  const error = await bad;
  expect(error.error.id).toBe('bad_request');
  expect(interviewer.socket.connected).toBe(true);
});
