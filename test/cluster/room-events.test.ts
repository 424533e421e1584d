// Room events in multi-instance mode: people on different instances see each other, the
// shared timer, run events, and room decisions (ending the interview, deleting the room)
// reach connections on every instance.
import { describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import type { Participant, SharedTimer } from '../../shared/events.ts';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { connectSocket, roomSocket, type RoomSocket } from '../helpers/socket-client.ts';
import { withTimeout } from '../helpers/wait-for.ts';
import { syncedYClient, yClient } from '../helpers/yjs-client.ts';

const fixture = clusterFixture();
const { cleanup } = fixture;

async function join(httpUrl: string, roomId: string, token: string, name: string): Promise<{ socket: RoomSocket; participants: () => Participant[]; timers: (SharedTimer | null)[] }> {
  const socket = roomSocket(httpUrl, { roomId, token, name });
  let participants: Participant[] = [];
  const timers: (SharedTimer | null)[] = [];
  socket.on('presence:update', (update) => (participants = update.participants));
  socket.on('timer:update', (timer) => timers.push(timer));
  await connectSocket(socket);
  cleanup.add(() => socket.disconnect());
  return { socket, participants: () => participants, timers };
}

describe.skipIf(!fixture.ready)('room events across instances', () => {
  test('presence and the shared timer are the same on both instances, for people joining later too', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const interviewer = await join(a.httpUrl, room.roomId, room.interviewerToken, 'Ines');
    const candidate = await join(b.httpUrl, room.roomId, room.candidateToken, 'Cam');
    for (const person of [interviewer, candidate]) {
      await expect.poll(() => person.participants().map((p) => p.name).sort()).toEqual(['Cam', 'Ines']);
    }
    interviewer.socket.emit('timer:set', { minutes: 10, label: 'warm-up' });
    await expect.poll(() => candidate.timers.at(-1)?.label).toBe('warm-up');
    const late = await join(b.httpUrl, room.roomId, room.interviewerToken, 'Omar');
    await expect.poll(() => late.timers[0]?.label).toBe('warm-up');
  });

  test('ending the interview on one instance disconnects the candidate on the other and freezes the document there', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const candidateDoc = await syncedYClient(b.wsUrl, room.roomId, room.candidateToken);
    const interviewerDoc = await syncedYClient(b.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => candidateDoc.destroy());
    cleanup.add(() => interviewerDoc.destroy());
    const candidate = await join(b.httpUrl, room.roomId, room.candidateToken, 'Cam');
    const disconnected = new Promise<string>((resolve) => candidate.socket.once('disconnect', resolve));

    const ended = await fetch(`${a.httpUrl}/api/rooms/${room.roomId}/end`, { method: 'POST', headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(ended.status).toBe(200);
    await expect.poll(() => candidateDoc.closeCodes).toContain(WS_CLOSE.accessRevoked);
    expect(await withTimeout(disconnected, 10_000, 'the candidate\'s disconnect')).toBe('io server disconnect');
    // The interviewer's connection on the other instance became read-only history.
    interviewerDoc.text.insert(0, 'after the end');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reader = await syncedYClient(a.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => reader.destroy());
    expect(reader.text.toString()).not.toContain('after the end');
  });

  test('a candidate connecting while the interview ends on the other instance is never left connected', async () => {
    const [a, b] = fixture.pair();
    const rooms = await Promise.all(Array.from({ length: 40 }, () => createRoom(a.httpUrl)));
    const candidates = rooms.map((room) => {
      const socket = roomSocket(b.httpUrl, { roomId: room.roomId, token: room.candidateToken, name: 'Cam' });
      const doc = yClient(b.wsUrl, room.roomId, room.candidateToken);
      const refused = { socket: false, doc: false };
      socket.once('connect_error', () => (refused.socket = true));
      socket.once('disconnect', () => (refused.socket = true));
      doc.provider.on('connection-error', () => (refused.doc = true)); // upgrade answered 403
      cleanup.add(() => socket.disconnect());
      cleanup.add(() => doc.destroy());
      socket.connect();
      return { socket, doc, refused };
    });
    // The ends race the connections being set up on the other instance: spread over a few
    // milliseconds so that some land while a connection is between its checks and its join.
    const ended = await Promise.all(
      rooms.map(async (room, i) => {
        await new Promise((resolve) => setTimeout(resolve, i));
        return fetch(`${a.httpUrl}/api/rooms/${room.roomId}/end`, { method: 'POST', headers: { authorization: `Bearer ${room.interviewerToken}` } });
      }),
    );
    expect(ended.map((response) => response.status)).toEqual(rooms.map(() => 200));
    const shutOut = ({ socket, doc, refused }: (typeof candidates)[number]) =>
      refused.socket && !socket.connected && (refused.doc || doc.closeCodes.includes(WS_CLOSE.accessRevoked)) && !doc.provider.wsconnected;
    await expect.poll(() => candidates.filter((candidate) => !shutOut(candidate)).length, { timeout: 10_000 }).toBe(0);
  });

  test('deleting the room on one instance closes its documents on the other', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const onB = await syncedYClient(b.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => onB.destroy());
    const deleted = await fetch(`${a.httpUrl}/api/rooms/${room.roomId}`, { method: 'DELETE', headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(deleted.status).toBe(204);
    await expect.poll(() => onB.closeCodes).toContain(WS_CLOSE.roomDeleted);
  });
});
