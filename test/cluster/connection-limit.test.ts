// CONNECTIONS_PER_TOKEN holds for the whole deployment: one link opening connections on two
// instances keeps at most that many in all, and a new one closes the holder's oldest wherever
// it is (counted in Redis; the instance holding the oldest is told through Redis).
import { describe, expect, test } from 'vitest';
import { WS_CLOSE, type ErrorBody } from '../../shared/errors.ts';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { connectSocket, roomSocket, type RoomSocket } from '../helpers/socket-client.ts';
import { withTimeout } from '../helpers/wait-for.ts';
import { closeOf, openWebSocket, yjsUrl } from '../helpers/yjs-client.ts';

const CONNECTIONS = 3;
const fixture = clusterFixture({ env: { CONNECTIONS_PER_TOKEN: String(CONNECTIONS) } });
const { cleanup } = fixture;

async function join(httpUrl: string, roomId: string, token: string): Promise<{ socket: RoomSocket; errors: ErrorBody[] }> {
  const socket = roomSocket(httpUrl, { roomId, token, name: 'Tab' });
  cleanup.add(() => socket.disconnect());
  const errors: ErrorBody[] = [];
  socket.on('room:error', (body) => errors.push(body));
  const joined = withTimeout(new Promise((resolve) => socket.once('room:joined', resolve)), 10_000, 'room:joined');
  await connectSocket(socket);
  await joined;
  return { socket, errors };
}

describe.skipIf(!fixture.ready)('connections per link across instances', () => {
  test('Socket.IO connections alternating between two instances: only the newest stay open', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const sockets: Awaited<ReturnType<typeof join>>[] = [];
    for (let i = 0; i < 10; i++) sockets.push(await join((i % 2 ? b : a).httpUrl, room.roomId, room.candidateToken));
    await expect.poll(() => sockets.filter((s) => s.socket.connected).length).toBe(CONNECTIONS);
    expect(sockets.slice(-CONNECTIONS).every((s) => s.socket.connected)).toBe(true);
    for (const closed of sockets.slice(0, -CONNECTIONS)) expect(closed.errors.map((e) => e.error.id)).toContain('connection_replaced');
  });

  test('a /yjs socket on one instance is replaced by connections on the other', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const oldest = await openWebSocket(yjsUrl(a.wsUrl, room.roomId, room.candidateToken));
    cleanup.add(() => oldest.terminate());
    const closed = closeOf(oldest);
    const newer = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const ws = await openWebSocket(yjsUrl(b.wsUrl, room.roomId, room.candidateToken));
      cleanup.add(() => ws.terminate());
      newer.push(ws);
    }
    expect((await closed).code).toBe(WS_CLOSE.replacedByNewerConnection);
    expect(newer.every((ws) => ws.readyState === ws.OPEN)).toBe(true);
  });
});
