// Where each room's shared countdown lives: in memory for one instance, in Redis when several
// instances serve a room (a person joining on another instance must see the same countdown).
// It is only a display, so it expires with its end time and is never written to the database.
import type { Redis } from 'ioredis';
import type { SharedTimer } from '../../shared/events.ts';

export interface SharedTimers {
  get(roomId: string): Promise<SharedTimer | undefined>;
  set(roomId: string, timer: SharedTimer): Promise<void>;
  clear(roomId: string): Promise<void>;
}

const running = (timer: SharedTimer | undefined) => (timer && Date.parse(timer.endsAt) > Date.now() ? timer : undefined);

export function memorySharedTimers(): SharedTimers {
  const timers = new Map<string, SharedTimer>();
  return {
    async get(roomId) {
      const timer = running(timers.get(roomId));
      if (!timer) timers.delete(roomId);
      return timer;
    },
    async set(roomId, timer) {
      timers.set(roomId, timer);
    },
    async clear(roomId) {
      timers.delete(roomId);
    },
  };
}

export function redisSharedTimers(redis: Redis): SharedTimers {
  const key = (roomId: string) => `room-timer:{${roomId}}`;
  return {
    async get(roomId) {
      const json = await redis.get(key(roomId));
      return running(json ? (JSON.parse(json) as SharedTimer) : undefined);
    },
    async set(roomId, timer) {
      const ttlMs = Math.max(1, Date.parse(timer.endsAt) - Date.now());
      await redis.set(key(roomId), JSON.stringify(timer), 'PX', ttlMs);
    },
    async clear(roomId) {
      await redis.del(key(roomId));
    },
  };
}
