// Socket.IO room events: the handshake is authenticated like every other transport, each
// socket learns its own role and colour, and everyone sees who is present.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Participant } from '../../shared/events.ts';
import type { CreateRoomResponse, RoomInfo } from '../../shared/room.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, refusedSocket, roomSocket, type RoomSocket, type SocketAuth } from '../helpers/socket-client.ts';
import { Cleanup, waitFor, withTimeout } from '../helpers/wait-for.ts';

let server: TestServer;
let room: CreateRoomResponse;
const cleanup = new Cleanup();
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup.run());
afterAll(() => server?.close());

/** A socket that records what the server tells it from the first moment. */
interface Observed {
  socket: RoomSocket;
  joined: Promise<{ room: RoomInfo; self: Participant }>;
  presence: Participant[][];
  errors: { error: { id: string; message: string } }[];
}

function observe(auth: SocketAuth | Record<string, unknown>): Observed {
  const socket = roomSocket(server.httpUrl, auth);
  cleanup.add(() => socket.disconnect());
  const presence: Participant[][] = [];
  const errors: Observed['errors'] = [];
  socket.on('presence:update', ({ participants }) => presence.push(participants));
  socket.on('room:error', (body) => errors.push(body));
  const joined = withTimeout(new Promise<{ room: RoomInfo; self: Participant }>((resolve) => socket.once('room:joined', resolve)), 10_000, 'room:joined');
  return { socket, joined, presence, errors };
}

async function join(auth: SocketAuth): Promise<Observed & { self: Participant; info: RoomInfo }> {
  const observed = observe(auth);
  await connectSocket(observed.socket);
  const { room: info, self } = await observed.joined;
  return { ...observed, self, info };
}

const latest = (observed: Observed) => observed.presence.at(-1) ?? [];
const summary = (participants: Participant[]) => participants.map(({ name, role }) => `${role}:${name}`).sort();

beforeAll(async () => {
  room = await createRoom(server.httpUrl, { title: 'Presence' });
});

describe('Socket.IO', () => {
  test('a bad token is refused with connect_error data.error.id "unauthorized"', async () => {
    for (const token of ['wrong', room.interviewerToken.slice(1)]) {
      const body = await refusedSocket(observe({ roomId: room.roomId, token, name: 'Mallory' }).socket);
      expect(body?.error.id).toBe('unauthorized');
      expect(body?.error.message.length).toBeGreaterThan(0);
    }
  });

  test('an unknown room is refused with "room_not_found", a malformed handshake with "bad_request"', async () => {
    expect((await refusedSocket(observe({ roomId: 'UnknownRoom0001', token: room.interviewerToken }).socket))?.error.id).toBe('room_not_found');
    expect((await refusedSocket(observe({ roomId: room.roomId }).socket))?.error.id).toBe('bad_request');
  });

  test('two sockets get room:joined with their own role and colour, and presence lists both with distinct colours', async () => {
    const ines = await join({ roomId: room.roomId, token: room.interviewerToken, name: 'Ines' });
    expect(ines.self).toMatchObject({ name: 'Ines', role: 'interviewer', id: ines.socket.id });
    expect(ines.self.color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(ines.info).toMatchObject({ roomId: room.roomId, title: 'Presence', role: 'interviewer' });

    const cleo = await join({ roomId: room.roomId, token: room.candidateToken, name: 'Cleo' });
    expect(cleo.self).toMatchObject({ name: 'Cleo', role: 'candidate', id: cleo.socket.id });
    expect(cleo.info.role).toBe('candidate');
    expect(cleo.self.color).not.toBe(ines.self.color);

    for (const observed of [ines, cleo]) {
      await waitFor(() => latest(observed).length === 2, 10_000, 'presence listing both');
      expect(summary(latest(observed))).toEqual(['candidate:Cleo', 'interviewer:Ines']);
      expect(latest(observed)).toEqual(expect.arrayContaining([ines.self, cleo.self]));
    }
  });

  test('sockets that connect at the same moment still get distinct colours', async () => {
    const fresh = await createRoom(server.httpUrl);
    const people = await Promise.all(
      ['Ada', 'Bob', 'Cy', 'Di'].map((name, i) => join({ roomId: fresh.roomId, token: i % 2 ? fresh.candidateToken : fresh.interviewerToken, name })),
    );
    const colours = people.map((person) => person.self.color);
    expect(new Set(colours).size).toBe(people.length);
    await waitFor(() => people.every((person) => latest(person).length === 4), 10_000, 'presence listing all four');
    expect(new Set(latest(people[0]!).map((participant) => participant.color)).size).toBe(4);
  });

  test('without a name the role is used as the display name', async () => {
    const fresh = await createRoom(server.httpUrl);
    const anonymous = await join({ roomId: fresh.roomId, token: fresh.candidateToken });
    expect(anonymous.self.name).toBe('Candidate');
  });

  test('presence:set with an invalid payload answers room:error and keeps the socket connected', async () => {
    const fresh = await createRoom(server.httpUrl);
    const ines = await join({ roomId: fresh.roomId, token: fresh.interviewerToken, name: 'Ines' });
    const invalid: unknown[] = [{ name: '' }, { name: 42 }, { name: 'x'.repeat(61) }, { name: 'ok', extra: true }, 'Ines', null];
    for (const payload of invalid) {
      const before = ines.errors.length;
      (ines.socket.emit as (event: string, payload: unknown) => void)('presence:set', payload);
      await waitFor(() => ines.errors.length === before + 1, 10_000, `room:error for ${JSON.stringify(payload)}`);
      expect(ines.errors.at(-1)!.error.id).toBe('bad_request');
    }
    expect(ines.socket.connected).toBe(true);

    // The socket still works: a valid rename reaches everyone.
    const cleo = await join({ roomId: fresh.roomId, token: fresh.candidateToken, name: 'Cleo' });
    ines.socket.emit('presence:set', { name: 'Ines R.' });
    for (const observed of [ines, cleo]) {
      await waitFor(() => summary(latest(observed)).includes('interviewer:Ines R.'), 10_000, 'the rename in presence');
    }
    expect(summary(latest(cleo))).toEqual(['candidate:Cleo', 'interviewer:Ines R.']);
  });

  test('a socket leaving updates the presence of those who remain', async () => {
    const fresh = await createRoom(server.httpUrl);
    const ines = await join({ roomId: fresh.roomId, token: fresh.interviewerToken, name: 'Ines' });
    const cleo = await join({ roomId: fresh.roomId, token: fresh.candidateToken, name: 'Cleo' });
    await waitFor(() => latest(ines).length === 2, 10_000, 'both present');
    cleo.socket.disconnect();
    await waitFor(() => latest(ines).length === 1, 10_000, 'presence after cleo left');
    expect(latest(ines)).toEqual([ines.self]);
  });

  test('presence is per room', async () => {
    const a = await createRoom(server.httpUrl);
    const b = await createRoom(server.httpUrl);
    const inA = await join({ roomId: a.roomId, token: a.interviewerToken, name: 'In A' });
    const inB = await join({ roomId: b.roomId, token: b.interviewerToken, name: 'In B' });
    const alsoB = await join({ roomId: b.roomId, token: b.candidateToken, name: 'Also B' });
    await waitFor(() => latest(inB).length === 2 && latest(alsoB).length === 2, 10_000, 'room b presence');
    expect(summary(latest(inA))).toEqual(['interviewer:In A']);
    expect(inA.presence.every((participants) => participants.every((participant) => participant.name === 'In A'))).toBe(true);
  });
});
