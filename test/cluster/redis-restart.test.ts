// Fault test 3: redis-server restarts (losing every stream) while people on two instances
// type. Instances queue what they publish while Redis is away and, once it is back, read
// whatever the relay lost from the database: everyone converges and nothing is lost.
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../helpers/cluster.ts';
import { createRoom } from '../helpers/server.ts';
import { startTyping, tokensIn } from '../helpers/typist.ts';
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
});
