// Multi-instance mode's Redis side: the room relay (Yjs updates, awareness, room decisions),
// the Socket.IO adapter (room events on every instance) and the shared timers.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { redisSharedTimers, type SharedTimers } from '../realtime/shared-timers.ts';
import { createRedisRoomRelay, type RoomRelay } from './room-relay.ts';

export interface ClusterConnections {
  relay: RoomRelay;
  socketAdapter: ReturnType<typeof createAdapter>;
  timers: SharedTimers;
  close(): Promise<void>;
}

export function connectCluster(redisUrl: string, log: Logger, options: { onRelayDelivered?: (lagSeconds: number) => void } = {}): ClusterConnections {
  const relay = createRedisRoomRelay(redisUrl, log, { onDelivered: options.onRelayDelivered });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (error) => log.warn({ err: error }, 'cluster: redis connection error'));
  return {
    relay,
    socketAdapter: createAdapter(redis, { streamName: 'socket.io-rooms' }),
    timers: redisSharedTimers(redis),
    async close() {
      await relay.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
