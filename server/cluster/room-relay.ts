// Relays what happens in a room between server instances through Redis pub/sub: one channel
// per room, subscribed only by the instances that have the room loaded. Nothing here is the
// record: an update is published only after it is stored, and an instance that misses one
// (Redis restarted, a connection dropped) reads it from the database instead — on reconnect,
// and whenever the per-room sequence numbers show a gap (see server/yjs/seq-watermark.ts).
//
// Why not a stream per room: reading streams means an XREAD naming every loaded room's key
// after every delivery, and each instance reads back its own entries. Profiled at 100 rooms,
// encoding those reads was the largest single cost of multi-instance mode; with channels,
// Redis routes each message to the instances that asked for that room, and nothing else.
import { randomBytes } from 'node:crypto';
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
  /** `holder`: who wrote it (server/yjs/client-ids.ts), so every instance binds its clientIDs alike. */
  | { kind: 'update'; seq: number; update: Uint8Array; holder?: string }
  | { kind: 'awareness'; update: Uint8Array; holder?: string }
  | { kind: 'control'; control: RoomControl };

export type RelayListener = (message: RelayMessage) => void;

export interface RoomRelay {
  readonly instanceId: string;
  /** Rooms whose channels this instance listens to. */
  readonly watchedCount: number;
  /**
   * Starts delivering the room's messages from other instances. Once this resolves, whatever
   * is published is delivered: load the document from the database only afterwards.
   */
  watch(roomId: string, listener: RelayListener): Promise<void>;
  unwatch(roomId: string): void;
  /** Fire and forget: while Redis is away, commands are queued and sent when it is back. */
  publish(roomId: string, message: RelayMessage): void;
  /** Called after the connection to Redis came back: messages may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export interface RoomRelayOptions {
  /** Seconds from another instance publishing a message to this one delivering it. */
  onDelivered?: (lagSeconds: number) => void;
}

/** How long a join waits for Redis before it goes on (the database is read again when Redis is back). */
const SUBSCRIBE_TIMEOUT_MS = 2000;

const CHANNEL_PREFIX = 'room-relay:';
const channelOf = (roomId: string) => `${CHANNEL_PREFIX}{${roomId}}`;
const roomIdOf = (channel: string) => channel.slice(CHANNEL_PREFIX.length + 1, -1);

// Wire format, one buffer per message (it travels with every keystroke):
// kind (1 byte) | sender instance (16 bytes) | sent at, ms (float64) | seq (float64) |
// holder (8 bytes, zero when none) | payload
const KIND_CODES = { update: 1, awareness: 2, control: 3 } as const;
const HOLDER_BYTES = 8;
const HEADER_BYTES = 1 + 16 + 8 + 8 + HOLDER_BYTES;
const NO_HOLDER = Buffer.alloc(HOLDER_BYTES);

function encodeMessage(instance: Buffer, message: RelayMessage): Buffer {
  const payload = message.kind === 'control' ? Buffer.from(JSON.stringify(message.control)) : message.update;
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  buffer.writeUInt8(KIND_CODES[message.kind], 0);
  instance.copy(buffer, 1);
  buffer.writeDoubleLE(Date.now(), 17);
  buffer.writeDoubleLE(message.kind === 'update' ? message.seq : 0, 25);
  const holder = message.kind === 'control' || !message.holder ? NO_HOLDER : Buffer.from(message.holder, 'hex');
  buffer.set(holder.subarray(0, HOLDER_BYTES), 33);
  buffer.set(payload, HEADER_BYTES);
  return buffer;
}

function decodeMessage(buffer: Buffer): { instance: Buffer; sentAtMs: number; message: RelayMessage } | undefined {
  if (buffer.byteLength < HEADER_BYTES) return undefined;
  const instance = buffer.subarray(1, 17);
  const sentAtMs = buffer.readDoubleLE(17);
  const payload = new Uint8Array(buffer.buffer, buffer.byteOffset + HEADER_BYTES, buffer.byteLength - HEADER_BYTES);
  const holderBytes = buffer.subarray(33, HEADER_BYTES);
  const holder = holderBytes.equals(NO_HOLDER) ? {} : { holder: holderBytes.toString('hex') };
  switch (buffer.readUInt8(0)) {
    case KIND_CODES.update:
      return { instance, sentAtMs, message: { kind: 'update', seq: buffer.readDoubleLE(25), update: payload, ...holder } };
    case KIND_CODES.awareness:
      return { instance, sentAtMs, message: { kind: 'awareness', update: payload, ...holder } };
    case KIND_CODES.control:
      return { instance, sentAtMs, message: { kind: 'control', control: JSON.parse(Buffer.from(payload).toString()) as RoomControl } };
    default:
      return undefined;
  }
}

/** Several messages of one room in one PUBLISH: each prefixed with its length (uint32). */
function packMessages(messages: Buffer[]): Buffer {
  if (messages.length === 1) return Buffer.concat([lengthPrefix(messages[0]!), messages[0]!]);
  return Buffer.concat(messages.flatMap((message) => [lengthPrefix(message), message]));
}

function lengthPrefix(message: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32LE(message.byteLength, 0);
  return prefix;
}

function unpackMessages(data: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  for (let offset = 0; offset + 4 <= data.byteLength; ) {
    const length = data.readUInt32LE(offset);
    messages.push(data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return messages;
}

export function createRedisRoomRelay(redisUrl: string, log: Logger, options: RoomRelayOptions = {}): RoomRelay {
  const instance = randomBytes(16);
  // Commands wait (queued) while Redis is down instead of failing after a few retries.
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // Messages published during one event-loop turn go out at its end, one PUBLISH per room
  // and one write for all: profiled, a socket write and a Redis message per keystroke (and
  // per cursor move) were the largest costs.
  let outbox = new Map<string, Buffer[]>();
  const flushOutbox = () => {
    const batch = outbox;
    outbox = new Map();
    const pipeline = publisher.pipeline();
    for (const [roomId, messages] of batch) pipeline.publish(channelOf(roomId), packMessages(messages));
    pipeline.exec().catch((error: unknown) => log.warn({ err: error }, 'room relay: publishing failed'));
  };
  // Subscriptions are renewed by the client after a reconnect.
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const listeners = new Map<string, RelayListener>();
  const reconnectListeners: (() => void)[] = [];
  let everReady = false;

  publisher.on('error', (error) => log.warn({ err: error }, 'room relay: redis publisher connection error'));
  subscriber.on('error', (error) => log.warn({ err: error }, 'room relay: redis subscriber connection error'));
  subscriber.on('ready', () => {
    if (everReady) for (const listener of reconnectListeners) listener();
    everReady = true;
  });
  subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => {
    const roomId = roomIdOf(channel.toString());
    const listener = listeners.get(roomId);
    if (!listener) return;
    for (const packed of unpackMessages(data)) {
      const decoded = decodeMessage(packed);
      if (!decoded || decoded.instance.equals(instance)) return; // a whole packet comes from one sender
      options.onDelivered?.(Math.max(0, Date.now() - decoded.sentAtMs) / 1000);
      try {
        listener(decoded.message);
      } catch (error) {
        log.error({ err: error, roomId }, 'room relay: applying a relayed message failed');
      }
    }
  });

  return {
    instanceId: instance.toString('hex'),
    get watchedCount() {
      return listeners.size;
    },
    async watch(roomId, listener) {
      listeners.set(roomId, listener);
      const subscribed = subscriber.subscribe(channelOf(roomId)).then(() => true, () => false);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SUBSCRIBE_TIMEOUT_MS)));
      const ok = await Promise.race([subscribed, timeout]).finally(() => clearTimeout(timer));
      if (!ok) log.warn({ roomId }, 'room relay: Redis did not confirm the subscription in time; going on (the database fills any gap)');
    },
    unwatch(roomId) {
      if (!listeners.delete(roomId)) return;
      void subscriber.unsubscribe(channelOf(roomId)).catch(() => undefined);
    },
    publish(roomId, message) {
      if (outbox.size === 0) setImmediate(flushOutbox);
      const queued = outbox.get(roomId);
      if (queued) queued.push(encodeMessage(instance, message));
      else outbox.set(roomId, [encodeMessage(instance, message)]);
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    async close() {
      if (outbox.size > 0) flushOutbox();
      listeners.clear();
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
