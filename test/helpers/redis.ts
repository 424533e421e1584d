// A real redis-server on a free port, owned by the test, with no persistence on disk.
import { startLocalRedis, type LocalRedis } from '../../server/cluster/local-redis.ts';
import { freePort } from './free-port.ts';

export type TestRedis = LocalRedis;

export async function startRedis(): Promise<TestRedis> {
  return startLocalRedis(await freePort());
}
