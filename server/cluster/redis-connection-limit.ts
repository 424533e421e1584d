// CONNECTIONS_PER_TOKEN for the whole deployment: each holder's open connections are a sorted
// set in Redis, ordered by a per-holder counter. Opening one adds it and removes the oldest
// beyond the limit in one script; the instance holding each removed one is told on a pub/sub
// channel and closes it. An instance that died leaves its entries behind, but they are the
// oldest, so they are the first to go and never keep a live connection out.
// While Redis cannot answer, each instance limits its own connections (looser, never slower).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { OpenConnections, type ConnectionLimit } from '../rooms/connection-limit.ts';

const CLOSE_CHANNEL = 'connection-limit:close';
/** A holder's entries outlive a crashed instance at most this long (refreshed on every open). */
const HOLDER_TTL_MS = 24 * 60 * 60 * 1000;

// KEYS: the holder's set, its counter. ARGV: member, limit, ttl. Returns the removed members.
const OPEN_SCRIPT = `
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if over <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
redis.call('ZREM', KEYS[1], unpack(oldest))
return oldest
`;

const setKey = (holder: string) => `connections:{${holder}}`;
const seqKey = (holder: string) => `connections-seq:{${holder}}`;

interface CloseMessage {
  holder: string;
  members: string[];
}

/** `commands` answers at once or fails (no offline queue); pub/sub needs its own connection. */
export function redisConnectionLimit(commands: Redis, redisUrl: string, perHolder: number, log: Logger): ConnectionLimit {
  const instance = randomBytes(6).toString('base64url');
  const ours = (member: string) => member.startsWith(`${instance}:`);
  const open = new OpenConnections();
  let next = 0;

  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', (error) => log.warn({ err: error }, 'connection limit: redis subscriber connection error'));
  subscriber.subscribe(CLOSE_CHANNEL).catch((error: unknown) => log.warn({ err: error }, 'connection limit: subscribing failed'));
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== CLOSE_CHANNEL) return;
    try {
      const message = JSON.parse(text) as CloseMessage;
      for (const member of message.members) if (ours(member)) open.closeOne(message.holder, member);
    } catch (error) {
      log.warn({ err: error }, 'connection limit: unreadable close message');
    }
  });

  async function count(holder: string, member: string): Promise<void> {
    let removed: string[];
    try {
      removed = (await commands.eval(OPEN_SCRIPT, 2, setKey(holder), seqKey(holder), member, perHolder, HOLDER_TTL_MS)) as string[];
    } catch (error) {
      log.warn({ err: error }, 'connection limit: redis did not answer; limiting this instance only');
      open.trim(holder, perHolder);
      return;
    }
    for (const old of removed) if (ours(old)) open.closeOne(holder, old);
    const elsewhere = removed.filter((old) => !ours(old));
    if (elsewhere.length === 0) return;
    const message: CloseMessage = { holder, members: elsewhere };
    await commands.publish(CLOSE_CHANNEL, JSON.stringify(message)).catch((error: unknown) => {
      log.warn({ err: error }, 'connection limit: telling other instances to close a connection failed');
    });
  }

  return {
    open(holder, close) {
      const member = `${instance}:${next++}`;
      open.add(holder, member, close);
      const counted = count(holder, member);
      return {
        counted,
        release() {
          open.delete(holder, member);
          // After the count, so the removal cannot overtake the addition.
          void counted.then(() => commands.zrem(setKey(holder), member)).catch(() => undefined);
        },
      };
    },
    async dispose() {
      subscriber.disconnect();
    },
  };
}
