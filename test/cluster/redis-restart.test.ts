// Fault test 3: redis-server restarts (losing every stream) while people on two instances
// type. Instances queue what they publish while Redis is away and, once it is back, read
// whatever the relay lost from the database: everyone converges and nothing is lost. Room
// decisions made while Redis is away are read from the database too.
import { describe, expect, test } from 'vitest';
import { WS_CLOSE } from '../../shared/errors.ts';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { startTyping, tokensIn } from '../helpers/typist.ts';
import { connectSocket, roomSocket } from '../helpers/socket-client.ts';
import { syncedYClient } from '../helpers/yjs-client.ts';

const fixture = clusterFixture();
const { cleanup } = fixture;

describe.skipIf(!fixture.ready)('redis-server restarted mid-typing', () => {
  test('instances resend and catch up; all clients converge with every edit', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const onA = await syncedYClient(a.wsUrl, room.roomId, room.interviewerToken, { name: 'a' });
    const onB = await syncedYClient(b.wsUrl, room.roomId, room.candidateToken, { name: 'b' });
    for (const client of [onA, onB]) cleanup.add(() => client.destroy());
    const typists = [startTyping(onA, 'a', 15), startTyping(onB, 'b', 15)];
    await new Promise((resolve) => setTimeout(resolve, 1000));

    await fixture.cluster.redis.restart();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const typist of typists) typist.stop();

    await expect.poll(() => onA.text.toString() === onB.text.toString(), { timeout: 30_000 }).toBe(true);
    const text = onA.text.toString();
    for (const typist of typists) expect(tokensIn(text, typist)).toEqual(typist.typed);

    // Edits after the restart still cross instances live.
    onA.text.insert(0, 'after-restart;');
    await expect.poll(() => onB.text.toString().startsWith('after-restart;')).toBe(true);
  });

  test('an interview ended while Redis is down ends on the other instance once Redis is back', async () => {
    const [a, b] = fixture.pair();
    const room = await createRoom(a.httpUrl);
    const candidateDoc = await syncedYClient(b.wsUrl, room.roomId, room.candidateToken);
    const interviewerDoc = await syncedYClient(b.wsUrl, room.roomId, room.interviewerToken);
    const candidateSocket = await connectSocket(roomSocket(b.httpUrl, { roomId: room.roomId, token: room.candidateToken }));
    for (const client of [candidateDoc, interviewerDoc]) cleanup.add(() => client.destroy());
    cleanup.add(() => candidateSocket.disconnect());

    await fixture.cluster.redis.restart(async () => {
      const ended = await fetch(`${a.httpUrl}/api/rooms/${room.roomId}/end`, { method: 'POST', headers: { authorization: `Bearer ${room.interviewerToken}` } });
      expect(ended.status).toBe(200);
    });

    await expect.poll(() => candidateDoc.closeCodes, { timeout: 10_000 }).toContain(WS_CLOSE.accessRevoked);
    await expect.poll(() => candidateSocket.connected, { timeout: 10_000 }).toBe(false);
    // The interviewer's connection on the other instance became read-only history.
    interviewerDoc.text.insert(0, 'after the end');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reader = await syncedYClient(a.wsUrl, room.roomId, room.interviewerToken);
    cleanup.add(() => reader.destroy());
    expect(reader.text.toString()).not.toContain('after the end');
  });
});
