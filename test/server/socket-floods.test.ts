// A hostile candidate floods the room: thousands of Socket.IO events, dozens of connections
// from one link. Events beyond each connection's allowance are dropped with one error to the
// sender, presence broadcasts are coalesced, and a link holds at most CONNECTIONS_PER_TOKEN
// connections (Socket.IO and /yjs together): a new one closes that holder's oldest.
import { afterEach, describe, expect, test } from 'vitest';
import type { ErrorBody } from '../../shared/errors.ts';
import { WS_CLOSE } from '../../shared/errors.ts';
import type { Participant } from '../../shared/events.ts';
import type { CreateRoomResponse } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, roomSocket, type RoomSocket } from '../helpers/socket-client.ts';
import { Cleanup, withTimeout } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, yjsUrl } from '../helpers/yjs-client.ts';

const BURST = 10;
const CONNECTIONS = 4;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function setup(env: Record<string, string> = {}): Promise<{ server: TestServer; room: CreateRoomResponse }> {
  // One event a minute refills the bucket: within a test only the burst is available.
  const server = await startTestServer({ SOCKET_EVENT_BURST_COUNT: String(BURST), SOCKET_EVENTS_PER_MINUTE: '1', CONNECTIONS_PER_TOKEN: String(CONNECTIONS), ...env });
  cleanup.add(() => server.close());
  return { server, room: await createRoom(server.httpUrl) };
}

interface Joined {
  socket: RoomSocket;
  self: Participant;
  presence: Participant[][];
  errors: ErrorBody[];
}

async function join(server: TestServer, roomId: string, token: string, name: string): Promise<Joined> {
  const socket = roomSocket(server.httpUrl, { roomId, token, name });
  cleanup.add(() => socket.disconnect());
  const presence: Participant[][] = [];
  const errors: ErrorBody[] = [];
  socket.on('presence:update', ({ participants }) => presence.push(participants));
  socket.on('room:error', (body) => errors.push(body));
  const joined = withTimeout(new Promise<{ self: Participant }>((resolve) => socket.once('room:joined', resolve)), 10_000, 'room:joined');
  await connectSocket(socket);
  return { socket, self: (await joined).self, presence, errors };
}

const nameOf = (participants: Participant[] | undefined, id: string) => participants?.find((p) => p.id === id)?.name;

describe('Socket.IO event floods', () => {
  test('2,000 presence:set events: at most the burst is broadcast, the sender gets one rate_limited, the room still answers', async () => {
    const { server, room } = await setup();
    const watcher = await join(server, room.roomId, room.interviewerToken, 'Watcher');
    const flooder = await join(server, room.roomId, room.candidateToken, 'Flooder');
    await expect.poll(() => nameOf(watcher.presence.at(-1), flooder.self.id)).toBe('Flooder');
    const before = watcher.presence.length;

    for (let i = 0; i < 2000; i++) flooder.socket.emit('presence:set', { name: `n${i}` });
    // Another kind of event has its own allowance, and the server answers it after handling
    // every earlier event of this connection (a candidate may not set the timer: forbidden).
    flooder.socket.emit('timer:set', { minutes: 5 });
    await expect.poll(() => flooder.errors.some((e) => e.error.id === 'forbidden')).toBe(true);
    await expect.poll(() => nameOf(watcher.presence.at(-1), flooder.self.id)).toBe(`n${BURST - 1}`);

    // The room still answers: the watcher renames itself and the flooder sees it.
    watcher.socket.emit('presence:set', { name: 'Watcher 2' });
    await expect.poll(() => nameOf(flooder.presence.at(-1), watcher.self.id)).toBe('Watcher 2');
    await expect.poll(() => nameOf(watcher.presence.at(-1), watcher.self.id)).toBe('Watcher 2');
    const floodBroadcasts = watcher.presence.slice(before).filter((list) => nameOf(list, watcher.self.id) === 'Watcher');
    expect(floodBroadcasts.length).toBeGreaterThanOrEqual(1);
    expect(floodBroadcasts.length).toBeLessThanOrEqual(BURST);
    expect(flooder.errors.filter((e) => e.error.id === 'rate_limited')).toHaveLength(1);
    expect(watcher.errors).toEqual([]);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    expect(flooder.socket.connected).toBe(true);
  });

  test('events nobody listens for are limited too and never crash the server', async () => {
    const { server, room } = await setup();
    const flooder = await join(server, room.roomId, room.candidateToken, 'Flooder');
    const raw = flooder.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    for (let i = 0; i < 500; i++) raw.emit(`made-up:${i % 7}`, { junk: 'x'.repeat(100) });
    raw.emit('presence:set', 'not an object');
    await expect.poll(() => flooder.errors.some((e) => e.error.id === 'bad_request')).toBe(true);
    expect(flooder.errors.filter((e) => e.error.id === 'rate_limited')).toHaveLength(1);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});

describe(`CONNECTIONS_PER_TOKEN=${CONNECTIONS}`, () => {
  test('50 Socket.IO connections from one candidate link: the newest stay, the oldest are closed as replaced', async () => {
    const { server, room } = await setup();
    const interviewer = await join(server, room.roomId, room.interviewerToken, 'Ivy');
    const sockets: Joined[] = [];
    for (let i = 0; i < 50; i++) sockets.push(await join(server, room.roomId, room.candidateToken, `Tab ${i}`));
    await expect.poll(() => sockets.filter((s) => s.socket.connected).length).toBe(CONNECTIONS);
    const newest = sockets.slice(-CONNECTIONS);
    const oldest = sockets.slice(0, -CONNECTIONS);
    expect(newest.every((s) => s.socket.connected)).toBe(true);
    for (const closed of oldest) expect(closed.errors.map((e) => e.error.id)).toContain('connection_replaced');
    expect(newest.flatMap((s) => s.errors)).toEqual([]);
    // Other holders are not affected, and the room shows only live connections.
    expect(interviewer.socket.connected).toBe(true);
    await expect.poll(() => interviewer.presence.at(-1)?.filter((p) => p.role === 'candidate').length).toBe(CONNECTIONS);
  });

  test('/yjs and Socket.IO count together; the oldest /yjs socket is closed with WS_CLOSE.replacedByNewerConnection', async () => {
    const { server, room } = await setup();
    const url = yjsUrl(server.wsUrl, room.roomId, room.candidateToken);
    const first = await openWebSocket(url);
    const firstClosed = closeOf(first);
    const second = await openWebSocket(url);
    const secondClosed = closeOf(second);
    cleanup.add(() => [first, second].forEach((ws) => ws.terminate()));
    const sockets = [await join(server, room.roomId, room.candidateToken, 'A'), await join(server, room.roomId, room.candidateToken, 'B')];
    // Four connections: all open. The fifth (a reconnect beside a dead socket) replaces the oldest.
    const third = await openWebSocket(url);
    cleanup.add(() => third.terminate());
    expect((await firstClosed).code).toBe(WS_CLOSE.replacedByNewerConnection);
    sockets.push(await join(server, room.roomId, room.candidateToken, 'C'));
    expect((await secondClosed).code).toBe(WS_CLOSE.replacedByNewerConnection);
    expect(third.readyState).toBe(third.OPEN);
    expect(sockets.every((s) => s.socket.connected)).toBe(true);
    // A fresh interviewer connection is its own holder and closes nothing.
    const interviewerWs = await openWebSocket(yjsUrl(server.wsUrl, room.roomId, room.interviewerToken));
    cleanup.add(() => interviewerWs.terminate());
    const next = await join(server, room.roomId, room.candidateToken, 'D');
    await expect.poll(() => sockets[0]!.socket.connected).toBe(false);
    expect(sockets[0]!.errors.map((e) => e.error.id)).toContain('connection_replaced');
    expect(interviewerWs.readyState).toBe(interviewerWs.OPEN);
    expect(next.socket.connected).toBe(true);
  });
});
