// Multi-instance mode's Redis side: the room relay (Yjs updates, awareness, room decisions),
// the Socket.IO adapter (room events on every instance), the shared timers, and the limits
// that must hold across instances (failed logins per IP, runs per room).
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { redisSharedTimers, type SharedTimers } from '../realtime/shared-timers.ts';
import type { AuthFailureLimiter } from '../rooms/auth-failure-limiter.ts';
import type { RunSlots } from '../runs/run-slots.ts';
import type { GradedRunLimit } from '../runs/graded-run-limit.ts';
import { redisAuthFailureLimiter } from './redis-auth-failure-limiter.ts';
import { redisConnectionLimit } from './redis-connection-limit.ts';
import type { ConnectionLimit } from '../rooms/connection-limit.ts';
import { redisRunSlots } from './redis-run-slots.ts';
import { redisGradedRunLimit } from './redis-graded-run-limit.ts';
import { createRedisRoomRelay, type RoomRelay } from './room-relay.ts';

export interface ClusterConnections {
  relay: RoomRelay;
  socketAdapter: ReturnType<typeof createAdapter>;
  timers: SharedTimers;
  authLimiter: AuthFailureLimiter;
  /** CONNECTIONS_PER_TOKEN counted for every instance together. */
  connectionLimit: ConnectionLimit;
  runSlots: RunSlots;
  /** GRADED_RUN_MIN_INTERVAL_MS held for every instance together. */
  gradedRunLimit: GradedRunLimit;
  close(): Promise<void>;
}

export interface ClusterOptions {
  onRelayDelivered?: (lagSeconds: number) => void;
  authFailuresPerMinute: number;
  connectionsPerToken: number;
  runSlotsPerRoom: number;
  /** How long a run counts against its room if its instance never says it ended. */
  runSlotLeaseMs: number;
  gradedRunMinIntervalMs: number;
}

/** Limits answer at once or not at all: a login or a run never waits for Redis to come back. */
const LIMITS_COMMAND_TIMEOUT_MS = 500;

export function connectCluster(redisUrl: string, log: Logger, options: ClusterOptions): ClusterConnections {
  const relay = createRedisRoomRelay(redisUrl, log, { onDelivered: options.onRelayDelivered });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (error) => log.warn({ err: error }, 'cluster: redis connection error'));
  const limits = new Redis(redisUrl, { enableOfflineQueue: false, commandTimeout: LIMITS_COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 0 });
  limits.on('error', (error) => log.warn({ err: error }, 'cluster: redis connection error (limits)'));
  const authLimiter = redisAuthFailureLimiter(limits, options.authFailuresPerMinute, log);
  const connectionLimit = redisConnectionLimit(limits, redisUrl, options.connectionsPerToken, log);
  return {
    relay,
    socketAdapter: createAdapter(redis, { streamName: 'socket.io-rooms' }),
    timers: redisSharedTimers(redis),
    authLimiter,
    connectionLimit,
    runSlots: redisRunSlots(limits, options.runSlotsPerRoom, options.runSlotLeaseMs, log),
    gradedRunLimit: redisGradedRunLimit(limits, options.gradedRunMinIntervalMs, log),
    async close() {
      authLimiter.dispose();
      await connectionLimit.dispose();
      limits.disconnect();
      await relay.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
