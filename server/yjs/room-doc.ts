// A loaded room document: the Y.Doc, its awareness, and the connections editing it.
// Ordering rule: an update is written to the store before it is relayed to anyone, so
// whatever another person has seen survives a crash.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { RelayMessage } from '../cluster/room-relay.ts';
import type { Logger } from '../logger.ts';
import type { Store, StoredDocState } from '../persistence/store.ts';
import { decodeAwarenessEntries, encodeAwarenessEntries, type AwarenessEntry } from './awareness-entries.ts';
import { ClientIdOwners } from './client-ids.ts';
import { mayContainCarriageReturn, normalizeLineEndings } from './line-endings.ts';
import { encodeAwareness, encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, InvalidMessageError, type IncomingMessage } from './protocol.ts';
import type { YjsConnection } from './connection.ts';
import { refuseOverLimit, refuseUpdate } from './refused-message.ts';
import { SeqWatermark } from './seq-watermark.ts';
import { changesDocument, checkUpdate } from './update-check.ts';

const LOAD_ORIGIN = Symbol('load');
const SERVER_ORIGIN = Symbol('server');
/** Changes another instance stored and relayed: not stored again, not relayed again. */
const RELAY_ORIGIN = Symbol('relay');
/** The holder of the server's own clientID (client-ids.ts): nobody else may write with it. */
const SERVER_HOLDER = '0000000000000001';

/** Size and rate limits of one room's document (config: ROOM_DOC_MAX_BYTES and friends). */
export interface DocLimits {
  /** The last snapshot plus the updates logged since. */
  docMaxBytes: number;
  /** The whole update log (kept for replay). */
  logMaxBytes: number;
  /** JSON bytes of one clientID's awareness state. */
  awarenessMaxBytes: number;
  /** Awareness updates applied per connection per second; faster ones are held, the latest kept. */
  awarenessPerSecond: number;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Awareness clientIDs one connection may hold (the stock client uses one). */
const AWARENESS_IDS_PER_CONNECTION = 4;

export interface RoomDocOptions {
  snapshotEveryUpdates: number;
  limits: DocLimits;
  log: Logger;
  /** Called when a persistence failure makes the document unsafe to keep serving. */
  onFatal: (doc: RoomDoc) => void;
  /** Multi-instance mode: where this document's stored updates and awareness go for other instances. */
  relay?: { publish(message: RelayMessage): void };
  /** Seconds from receiving an update to it being stored. */
  onPersisted?: (seconds: number) => void;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class RoomDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<YjsConnection>();
  /** Connections authenticated but not yet attached; keeps the doc from unloading under them. */
  pendingJoins = 0;
  private persistChain: Promise<unknown> = Promise.resolve();
  /** Updates applied to the document but not yet stored. */
  private unstored = 0;
  private updatesSinceSnapshot = 0;
  private lastPersistedSeq = 0;
  /** Which logged updates this document holds, when other instances store updates too. */
  private readonly held: SeqWatermark | undefined;
  /** While one client message is applied: its updates, stored and relayed together afterwards. */
  private pending: Uint8Array[] | undefined;
  private failed = false;
  private readonly clientIds = new ClientIdOwners();
  /** Bytes of the last snapshot plus the updates logged since (what a joiner may be sent). */
  private docBytes: number;
  /** Bytes of the room's whole update log. */
  private logBytes: number;

  constructor(
    readonly roomId: string,
    private readonly store: Store,
    stored: StoredDocState,
    private readonly options: RoomDocOptions,
  ) {
    this.awareness.setLocalState(null); // the server has no cursor
    Y.transact(
      this.doc,
      () => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot.state);
        for (const logged of stored.updates) Y.applyUpdate(this.doc, logged.update);
      },
      LOAD_ORIGIN,
    );
    this.lastPersistedSeq = stored.updates.at(-1)?.seq ?? stored.snapshot?.uptoSeq ?? 0;
    this.updatesSinceSnapshot = stored.updates.length;
    this.docBytes = (stored.snapshot?.state.byteLength ?? 0) + stored.updates.reduce((sum, logged) => sum + logged.update.byteLength, 0);
    this.logBytes = stored.logBytes;
    this.clientIds.claim(SERVER_HOLDER, [this.doc.clientID]);
    if (options.relay) this.held = new SeqWatermark(this.lastPersistedSeq);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  get clientCount(): number {
    return this.connections.size;
  }

  attach(connection: YjsConnection): void {
    this.connections.add(connection);
    connection.send(encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) connection.send(encodeAwareness(this.awareness, states));
  }

  detach(connection: YjsConnection): void {
    if (!this.connections.delete(connection)) return;
    clearTimeout(connection.awarenessTimer);
    if (connection.awarenessClientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClientIds], null);
    }
  }

  /** Applies one decoded client message. Throws on content Yjs rejects; the caller closes that connection. */
  handle(connection: YjsConnection, message: IncomingMessage): void {
    switch (message.kind) {
      case 'sync-step1': {
        // A sync answer acknowledges everything in it: nothing unstored may be in it. It is
        // taken now and sent once everything applied so far is stored.
        this.store.flushPending();
        const answer = encodeSyncStep2(this.doc, message.stateVector);
        if (this.unstored === 0) connection.send(answer);
        else void this.persistChain.then(() => connection.send(answer));
        return;
      }
      case 'sync-update':
        return this.applyClientUpdate(connection, message.update);
      case 'awareness':
        return this.receiveAwareness(connection, message.update);
      case 'query-awareness':
        // Answered at most once a second: each answer is every cursor, sent to a reader that
        // may not be reading (a few bytes in, megabytes held in its send buffer).
        if (performance.now() - connection.lastAwarenessQueryAt < 1000) return;
        connection.lastAwarenessQueryAt = performance.now();
        connection.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        return;
    }
  }

  private applyClientUpdate(connection: YjsConnection, update: Uint8Array): void {
    // Parse fully before touching the document: Yjs integrates structs before it reads the
    // delete set, so a frame corrupt at its end would otherwise be half-applied.
    const decoded = Y.decodeUpdate(update);
    if (connection.readOnly) {
      // An ended interview is read-only history. Telling the client (instead of dropping the edit
      // silently) stops it from resending the edit on every reconnect.
      if (changesDocument(this.doc, decoded)) throw refuseUpdate('the interview has ended, so the room is read-only');
      return;
    }
    const verdict = checkUpdate(this.doc, decoded, connection.role);
    if (!verdict.ok) throw refuseUpdate(verdict.reason);
    if (!this.clientIds.claim(connection.holder, verdict.clients)) throw refuseUpdate('it is written with another person\'s client id');
    this.admitBytes(update.byteLength);
    const pending: Uint8Array[] = [];
    this.pending = pending;
    try {
      this.applyChecked(update, connection);
      // The rewrite is the server's own edit, so it gets its own (local) transaction: made inside
      // the remote one, Yjs takes it for a client-id collision and switches the server's id.
      if (mayContainCarriageReturn(update)) Y.transact(this.doc, () => normalizeLineEndings(this.doc), connection);
    } finally {
      this.pending = undefined;
    }
    if (pending.length === 0) return;
    // One stored, relayed update per message, so nobody sees a carriage return; when the server
    // rewrote it, the author needs the result too.
    const rewritten = pending.length > 1;
    this.persistAndRelay(rewritten ? Y.mergeUpdates(pending) : pending[0]!, connection, rewritten);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN || this.failed) return;
    if (origin === RELAY_ORIGIN) {
      this.broadcast(encodeSyncUpdate(update), undefined);
      return;
    }
    if (this.pending) {
      this.pending.push(update);
      return;
    }
    this.persistAndRelay(update, this.connectionOf(origin), false);
  };

  /**
   * The update was checked, so Yjs should never throw on it; if it does anyway, whatever it
   * integrated before throwing was neither stored nor relayed, so this document no longer
   * matches the log: close the room (it reloads from the store) rather than serve a copy that
   * differs from what others have.
   */
  private applyChecked(update: Uint8Array, connection: YjsConnection): void {
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch (error) {
      this.failed = true;
      this.options.log.error({ err: error, roomId: this.roomId }, 'a checked update failed to apply; closing the room');
      this.options.onFatal(this);
      throw refuseUpdate('the server could not apply it');
    }
  }

  /** Refuses an update that would take the room past its size limits. */
  private admitBytes(bytes: number): void {
    if (this.logBytes + bytes > this.options.limits.logMaxBytes) {
      throw refuseOverLimit(`this room's edit history reached its limit of ${this.options.limits.logMaxBytes} bytes`);
    }
    if (this.docBytes + bytes <= this.options.limits.docMaxBytes) return;
    // The log since the snapshot holds deleted text too; the compacted document may be far smaller.
    const compacted = Y.encodeStateAsUpdate(this.doc).byteLength;
    if (compacted + bytes > this.options.limits.docMaxBytes) {
      throw refuseOverLimit(`this room's document reached its limit of ${this.options.limits.docMaxBytes} bytes`);
    }
    this.docBytes = compacted;
    void this.snapshot();
  }

  private persistAndRelay(update: Uint8Array, author: YjsConnection | undefined, echoToAuthor: boolean): void {
    const skip = echoToAuthor ? undefined : author;
    this.countStoredBytes(update.byteLength);
    const receivedAt = performance.now();
    const persisted = this.store.appendUpdate(this.roomId, update, author?.actor ?? 'server', Date.now());
    this.unstored += 1;
    this.persistChain = this.persistChain
      .then(() => persisted)
      .finally(() => (this.unstored -= 1))
      .then(
        (seq) => {
          this.lastPersistedSeq = seq;
          this.held?.mark(seq);
          this.options.onPersisted?.((performance.now() - receivedAt) / 1000);
          this.broadcast(encodeSyncUpdate(update), skip);
          this.options.relay?.publish({ kind: 'update', seq, update, holder: author?.holder ?? SERVER_HOLDER });
          this.updatesSinceSnapshot += 1;
          if (this.updatesSinceSnapshot >= this.options.snapshotEveryUpdates) void this.snapshot();
        },
        (error: unknown) => {
          // Never relay what is not stored. Clients keep the edit locally and resend it on reconnect.
          this.failed = true;
          this.options.log.error({ err: error, roomId: this.roomId }, 'persisting an update failed; closing the room');
          this.options.onFatal(this);
        },
      );
  }

  private countStoredBytes(bytes: number): void {
    this.docBytes += bytes;
    this.logBytes += bytes;
  }

  /**
   * A connection's awareness: only entries for clientIDs it holds (impersonated ones are
   * dropped), each within AWARENESS_MAX_BYTES, at most awarenessPerSecond a second; faster
   * updates are held and the latest of each clientID applied when its turn comes.
   */
  private receiveAwareness(connection: YjsConnection, update: Uint8Array): void {
    const entries = decodeAwarenessEntries(update);
    const maxBytes = this.options.limits.awarenessMaxBytes;
    if (entries.some((entry) => Buffer.byteLength(entry.json) > maxBytes)) {
      throw refuseOverLimit(`a cursor state is larger than ${maxBytes} bytes`);
    }
    // Parsed here, not when applied: a held entry is applied from a timer, where a throw from
    // y-protocols' JSON.parse would end the process.
    if (!entries.every((entry) => isJson(entry.json))) throw new InvalidMessageError('a cursor state is not JSON');
    let added = 0;
    for (const entry of entries) {
      if (!this.mayUseAwarenessId(connection, entry.clientId)) continue;
      connection.heldAwareness.set(entry.clientId, entry);
      added += 1;
    }
    if (added === 0) return;
    if (connection.awarenessTimer) return;
    const interval = 1000 / this.options.limits.awarenessPerSecond;
    const wait = connection.lastAwarenessAt + interval - performance.now();
    if (wait <= 0) this.applyHeldAwareness(connection);
    else connection.awarenessTimer = setTimeout(() => this.applyHeldAwareness(connection), wait);
  }

  private mayUseAwarenessId(connection: YjsConnection, clientId: number): boolean {
    const known = connection.awarenessClientIds.has(clientId) || connection.heldAwareness.has(clientId);
    // Held entries count too: within one frame none is applied yet.
    const inUse = new Set([...connection.awarenessClientIds, ...connection.heldAwareness.keys()]).size;
    if (!known && inUse >= AWARENESS_IDS_PER_CONNECTION) return false;
    return this.clientIds.claim(connection.holder, [clientId]);
  }

  private applyHeldAwareness(connection: YjsConnection): void {
    connection.awarenessTimer = undefined;
    if (!this.connections.has(connection) || connection.heldAwareness.size === 0) return;
    const entries: AwarenessEntry[] = [...connection.heldAwareness.values()];
    connection.heldAwareness.clear();
    connection.lastAwarenessAt = performance.now();
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(entries), connection);
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const author = this.connectionOf(origin);
    if (author) {
      for (const id of added) author.awarenessClientIds.add(id);
      for (const id of removed) author.awarenessClientIds.delete(id);
      const first = added[0] ?? updated[0];
      const name = first === undefined ? undefined : (this.awareness.getStates().get(first) as { user?: { name?: unknown } } | undefined)?.user?.name;
      if (typeof name === 'string') author.displayName = name.slice(0, 60);
    }
    const changed = [...added, ...updated, ...removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const send = () => {
      // Everyone, the author included: the stock client counts its own echoed renewal (every
      // 15 s) as proof of life and redials after 30 s without any message.
      this.broadcast(encodeAwarenessMessage(update), undefined);
      if (origin !== RELAY_ORIGIN) this.options.relay?.publish({ kind: 'awareness', update, holder: author?.holder ?? SERVER_HOLDER });
    };
    // A cursor usually moves with a keystroke: it goes out right after that keystroke's update
    // is stored and sent, never before the text it points into, and in the same turn, so both
    // share one relay message and one socket write per person (see YjsConnection.send).
    if (this.unstored > 0 && origin !== RELAY_ORIGIN) void this.persistChain.then(send, () => undefined);
    else send();
  };

  private connectionOf(origin: unknown): YjsConnection | undefined {
    return typeof origin === 'object' && origin !== null && this.connections.has(origin as YjsConnection)
      ? (origin as YjsConnection)
      : undefined;
  }

  private broadcast(message: Uint8Array, except: YjsConnection | undefined): void {
    for (const connection of this.connections) if (connection !== except) connection.send(message);
  }

  /** Applies what another instance stored or received (multi-instance mode). */
  applyRelayed(message: Exclude<RelayMessage, { kind: 'control' }>): void {
    if (this.failed) return;
    if (message.kind === 'awareness') {
      if (message.holder) this.claimRelayed(message.holder, decodeAwarenessEntries(message.update).map((entry) => entry.clientId));
      awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, RELAY_ORIGIN);
      return;
    }
    if (message.holder) this.claimRelayed(message.holder, Y.parseUpdateMeta(message.update).to.keys());
    Y.applyUpdate(this.doc, message.update, RELAY_ORIGIN);
    this.countStoredBytes(message.update.byteLength);
    this.held?.mark(message.seq);
  }

  /**
   * What another instance checked is applied as it is (it was checked there); its clientIDs are
   * bound to the same holder here, so nobody on this instance can use them either.
   */
  private claimRelayed(holder: string, clientIds: Iterable<number>): void {
    for (const id of clientIds) this.clientIds.claim(holder, [id]);
  }

  /** Publishes the cursors of this instance's people (another instance just loaded the room). */
  shareAwareness(): void {
    for (const connection of this.connections) {
      const own = [...connection.awarenessClientIds];
      if (own.length > 0) {
        this.options.relay?.publish({ kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, own), holder: connection.holder });
      }
    }
  }

  /** The seq up to which this document holds every logged update (multi-instance mode). */
  get heldUpTo(): number {
    return this.held?.contiguous ?? this.lastPersistedSeq;
  }

  /** True when an update another instance stored has not arrived for a while (the relay lost it). */
  missesUpdates(graceMs: number): boolean {
    return this.held?.gapOlderThan(graceMs) ?? false;
  }

  /** Reads from the database whatever this document may have missed from the relay. */
  async catchUpFromStore(): Promise<void> {
    if (!this.held || this.failed) return;
    for (const logged of await this.store.loadUpdatesAfter(this.roomId, this.held.contiguous)) {
      this.applyRelayed({ kind: 'update', seq: logged.seq, update: logged.update });
    }
  }

  /** Applies a change made by the server itself (e.g. inserting starter code), logged as "server". */
  transactAsServer(change: (doc: Y.Doc) => void): void {
    Y.transact(this.doc, () => change(this.doc), SERVER_ORIGIN);
  }

  /** Stops storing anything for this document (its room is being deleted). */
  stopPersisting(): void {
    this.failed = true;
  }

  /** Resolves once every update so far is stored. */
  flushed(): Promise<unknown> {
    return this.persistChain;
  }

  /** Writes a compacted snapshot beside the update log (the log is kept for replay). */
  async snapshot(): Promise<void> {
    await this.persistChain;
    if (this.failed || this.updatesSinceSnapshot === 0) return;
    // With other instances storing updates too, only what is known to be held counts.
    const uptoSeq = this.held?.contiguous ?? this.lastPersistedSeq;
    const state = Y.encodeStateAsUpdate(this.doc);
    this.updatesSinceSnapshot = 0;
    this.docBytes = state.byteLength;
    try {
      await this.store.saveSnapshot(this.roomId, { state, uptoSeq }, Date.now());
    } catch (error) {
      this.options.log.warn({ err: error, roomId: this.roomId }, 'snapshot failed; the update log still has everything');
    }
  }

  destroy(): void {
    this.awareness.off('update', this.onAwarenessUpdate);
    this.doc.off('update', this.onDocUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
