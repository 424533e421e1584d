// The Redis relay between instances (a pub/sub channel per room), against a real redis-server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRedisRoomRelay, type RelayMessage, type RoomRelay } from '../../server/cluster/room-relay.ts';
import { createLogger } from '../../server/logger.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { REDIS_SERVER, requireProgram } from '../helpers/system.ts';

let redis: TestRedis;
const relays: RoomRelay[] = [];
const log = createLogger('silent');

const ready = requireProgram(REDIS_SERVER);
beforeAll(async () => {
  if (ready) redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.close()));
  await redis?.stop();
});

function relay(): RoomRelay {
  const created = createRedisRoomRelay(redis.url, log);
  relays.push(created);
  return created;
}

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * Two relays whose Redis connections are up: a watch that cannot subscribe within 2 s goes on
 * without it (the database covers the gap in production), which on a busy machine would
 * make the first messages of a test miss their listener.
 */
async function connectedPair(): Promise<[RoomRelay, RoomRelay]> {
  const [a, b] = [relay(), relay()];
  let heard = false;
  await b.watch('warm-up', () => (heard = true));
  await expect
    .poll(
      () => {
        a.publish('warm-up', { kind: 'awareness', update: bytes(0) });
        return heard;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBe(true);
  b.unwatch('warm-up');
  return [a, b];
}

describe.skipIf(!ready)('room relay', () => {
test('messages reach other instances watching the room, in order, and never their sender', async () => {
  const [a, b] = await connectedPair();
  const seenByA: RelayMessage[] = [];
  const seenByB: RelayMessage[] = [];
  await a.watch('room-1', (message) => seenByA.push(message));
  await b.watch('room-1', (message) => seenByB.push(message));
  a.publish('room-1', { kind: 'update', seq: 1, update: bytes(1, 2) });
  a.publish('room-1', { kind: 'awareness', update: bytes(3) });
  a.publish('room-1', { kind: 'control', control: { action: 'close-role', role: 'candidate' } });
  await expect.poll(() => seenByB.length).toBe(3);
  expect(seenByB).toEqual([
    { kind: 'update', seq: 1, update: bytes(1, 2) },
    { kind: 'awareness', update: bytes(3) },
    { kind: 'control', control: { action: 'close-role', role: 'candidate' } },
  ]);
  expect(seenByA).toEqual([]);
});

test('a watch starts after what was already published, and rooms do not mix', async () => {
  const [a, b] = await connectedPair();
  a.publish('room-2', { kind: 'update', seq: 1, update: bytes(1) });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const seen: RelayMessage[] = [];
  const other: RelayMessage[] = [];
  await b.watch('room-2', (message) => seen.push(message));
  await b.watch('room-3', (message) => other.push(message));
  a.publish('room-2', { kind: 'update', seq: 2, update: bytes(2) });
  await expect.poll(() => seen.length).toBe(1);
  expect(seen[0]).toMatchObject({ seq: 2 });
  expect(other).toEqual([]);
  b.unwatch('room-2');
  a.publish('room-2', { kind: 'update', seq: 3, update: bytes(3) });
  a.publish('room-3', { kind: 'update', seq: 1, update: bytes(9) });
  await expect.poll(() => other.length).toBe(1);
  expect(seen).toHaveLength(1);
});

test('after redis-server restarts, instances are told to catch up and relaying resumes', async () => {
  const [a, b] = await connectedPair();
  const seen: RelayMessage[] = [];
  let reconnects = 0;
  b.onReconnect(() => (reconnects += 1));
  await b.watch('room-4', (message) => seen.push(message));
  a.publish('room-4', { kind: 'update', seq: 1, update: bytes(1) });
  await expect.poll(() => seen.length).toBe(1);
  await redis.restart();
  await expect.poll(() => reconnects, { timeout: 20_000 }).toBeGreaterThan(0);
  // Published while the reader may still be reconnecting: queued by the client, delivered after.
  a.publish('room-4', { kind: 'update', seq: 2, update: bytes(2) });
  await expect.poll(() => seen.map((m) => (m.kind === 'update' ? m.seq : 0)), { timeout: 20_000 }).toContain(2);
});
});
