// Relays what happens in a room between server instances through Redis: one stream per room,
// read only by the instances that have the room loaded. Stream entries are transient (the
// database is the record; an update is published only after it is stored), so the streams
// are trimmed and expire when a room goes quiet.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Role } from '../../shared/room.ts';
import type { Logger } from '../logger.ts';

export type RoomControl =
  | { action: 'evict' }
  | { action: 'freeze' }
  | { action: 'close-role'; role: Role }
  /** An instance just loaded the room: the others send it their people's cursors. */
  | { action: 'share-awareness' };

export type RelayMessage =
  | { kind: 'update'; seq: number; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'control'; control: RoomControl };

export type RelayListener = (message: RelayMessage) => void;

export interface RoomRelay {
  readonly instanceId: string;
  /** Rooms whose streams this instance reads. */
  readonly watchedCount: number;
  /**
   * Starts delivering the room's messages from other instances. The read position is taken
   * before this resolves, so whatever is stored after the call is delivered: load the document
   * from the database only afterwards.
   */
  watch(roomId: string, listener: RelayListener): Promise<void>;
  unwatch(roomId: string): void;
  /** Fire and forget: while Redis is away, commands are queued and sent when it is back. */
  publish(roomId: string, message: RelayMessage): void;
  /** Called after the connection to Redis came back: entries may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export interface RoomRelayOptions {
  /** Entries kept per room stream; older ones are in the database already. */
  maxLenPerRoom?: number;
  /** A stream nobody writes to for this long disappears. */
  idleExpiryMs?: number;
  /** Longest a blocking read waits before it looks at the watch list again. */
  blockMs?: number;
  /** Seconds from another instance publishing a message to this one delivering it. */
  onDelivered?: (lagSeconds: number) => void;
}

/** How long a join waits for Redis before it starts reading the room's stream from a time instead. */
const NEWEST_ID_TIMEOUT_MS = 2000;

const streamKey = (roomId: string) => `room-relay:{${roomId}}`;
const roomIdOf = (key: string) => key.slice('room-relay:{'.length, -1);

// Field names are one letter: they travel with every keystroke.
const FIELD = { instance: 'i', kind: 'k', seq: 's', data: 'd' } as const;

function encodeEntry(instanceId: string, message: RelayMessage): (string | Buffer)[] {
  const head = [FIELD.instance, instanceId, FIELD.kind, message.kind];
  switch (message.kind) {
    case 'update':
      return [...head, FIELD.seq, String(message.seq), FIELD.data, Buffer.from(message.update.buffer, message.update.byteOffset, message.update.byteLength)];
    case 'awareness':
      return [...head, FIELD.data, Buffer.from(message.update.buffer, message.update.byteOffset, message.update.byteLength)];
    case 'control':
      return [...head, FIELD.data, JSON.stringify(message.control)];
  }
}

function decodeEntry(fields: Buffer[]): { instanceId: string; message: RelayMessage } | undefined {
  const values = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!.toString(), fields[i + 1]!);
  const instanceId = values.get(FIELD.instance)?.toString();
  const kind = values.get(FIELD.kind)?.toString();
  const data = values.get(FIELD.data);
  if (!instanceId || !data) return undefined;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (kind === 'update') return { instanceId, message: { kind, seq: Number(values.get(FIELD.seq)?.toString()), update: bytes } };
  if (kind === 'awareness') return { instanceId, message: { kind, update: bytes } };
  if (kind === 'control') return { instanceId, message: { kind, control: JSON.parse(data.toString()) as RoomControl } };
  return undefined;
}

type XReadReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null;

export function createRedisRoomRelay(redisUrl: string, log: Logger, options: RoomRelayOptions = {}): RoomRelay {
  const instanceId = randomUUID();
  const maxLen = String(options.maxLenPerRoom ?? 1000);
  const idleExpiryMs = options.idleExpiryMs ?? 24 * 60 * 60 * 1000;
  const blockMs = options.blockMs ?? 5000;
  // Commands wait (queued) while Redis is down instead of failing after a few retries.
  const commands = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  // A read cut off by a lost connection is sent again once Redis is back.
  const reader = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const watched = new Map<string, { listener: RelayListener; lastId: string }>();
  const reconnectListeners: (() => void)[] = [];
  const expiryRenewedAt = new Map<string, number>();
  let readerClientId: number | undefined;
  let closed = false;
  let blocking = false;
  let everReady = false;

  commands.on('error', (error) => log.warn({ err: error }, 'room relay: redis command connection error'));
  reader.on('error', (error) => log.warn({ err: error }, 'room relay: redis reader connection error'));
  reader.on('ready', () => {
    void reader.call('CLIENT', 'ID').then((id) => (readerClientId = Number(id)), () => undefined);
    if (everReady) {
      expiryRenewedAt.clear(); // a restarted Redis forgot them
      for (const listener of reconnectListeners) listener();
    }
    everReady = true;
  });

  /**
   * The newest entry of a room's stream: everything after it will be delivered, everything
   * before it is in the database. With Redis away, a join must not wait for it: start from a
   * little before now instead, since the database is read again when Redis is back.
   */
  async function newestId(roomId: string): Promise<string> {
    const newest = commands.xrevrangeBuffer(streamKey(roomId), '+', '-', 'COUNT', 1) as Promise<[Buffer, Buffer[]][]>;
    const fallback = () => `${Date.now() - NEWEST_ID_TIMEOUT_MS - 5000}-0`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), NEWEST_ID_TIMEOUT_MS)));
    const found = await Promise.race([newest.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    return found === undefined ? fallback() : (found[0]?.[0].toString() ?? '0-0');
  }

  /** A new room to read: a blocking read in progress only knows the old list, so wake it. */
  function wakeReader(): void {
    if (blocking && readerClientId !== undefined) void commands.call('CLIENT', 'UNBLOCK', String(readerClientId)).catch(() => undefined);
  }

  async function readLoop(): Promise<void> {
    while (!closed) {
      if (watched.size === 0 || reader.status !== 'ready') {
        await new Promise((resolve) => setTimeout(resolve, watched.size === 0 ? 50 : 200));
        continue;
      }
      const keys = [...watched.keys()];
      const ids = keys.map((roomId) => watched.get(roomId)!.lastId);
      let reply: XReadReply;
      try {
        blocking = true;
        reply = (await reader.xreadBuffer('COUNT', 500, 'BLOCK', blockMs, 'STREAMS', ...keys.map(streamKey), ...ids)) as XReadReply;
      } catch (error) {
        if (!closed) log.warn({ err: error }, 'room relay: read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      } finally {
        blocking = false;
      }
      for (const [key, entries] of reply ?? []) {
        const roomId = roomIdOf(key.toString());
        for (const [id, fields] of entries) {
          const watch = watched.get(roomId);
          if (!watch) break;
          watch.lastId = id.toString();
          const entry = decodeEntry(fields);
          if (!entry || entry.instanceId === instanceId) continue;
          // Entry ids start with Redis's clock in ms when it was added.
          options.onDelivered?.(Math.max(0, Date.now() - Number.parseInt(watch.lastId, 10)) / 1000);
          try {
            watch.listener(entry.message);
          } catch (error) {
            log.error({ err: error, roomId }, 'room relay: applying a relayed message failed');
          }
        }
      }
    }
  }
  const loop = readLoop();

  return {
    instanceId,
    get watchedCount() {
      return watched.size;
    },
    async watch(roomId, listener) {
      watched.set(roomId, { listener, lastId: await newestId(roomId) });
      wakeReader();
    },
    unwatch(roomId) {
      watched.delete(roomId);
    },
    publish(roomId, message) {
      const key = streamKey(roomId);
      const pipeline = commands.pipeline().xadd(key, 'MAXLEN', '~', maxLen, '*', ...encodeEntry(instanceId, message));
      // The expiry only needs renewing now and then, not with every keystroke.
      const now = Date.now();
      if ((expiryRenewedAt.get(roomId) ?? 0) < now - idleExpiryMs / 24) {
        if (expiryRenewedAt.size >= 100_000) expiryRenewedAt.clear();
        expiryRenewedAt.set(roomId, now);
        pipeline.pexpire(key, idleExpiryMs);
      }
      pipeline.exec().catch((error: unknown) => log.warn({ err: error, roomId }, 'room relay: publishing failed'));
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    async close() {
      closed = true;
      wakeReader();
      reader.disconnect();
      await loop;
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}
