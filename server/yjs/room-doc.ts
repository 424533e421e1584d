// A loaded room document: the Y.Doc, its awareness, and the connections editing it.
// Ordering rule: an update is written to the store before it is relayed to anyone, so
// whatever another person has seen survives a crash.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { RelayMessage } from '../cluster/room-relay.ts';
import type { Logger } from '../logger.ts';
import type { Store, StoredDocState } from '../persistence/store.ts';
import { mayContainCarriageReturn, normalizeLineEndings } from './line-endings.ts';
import { encodeAwareness, encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, type IncomingMessage } from './protocol.ts';
import type { YjsConnection } from './connection.ts';
import { SeqWatermark } from './seq-watermark.ts';

const LOAD_ORIGIN = Symbol('load');
const SERVER_ORIGIN = Symbol('server');
/** Changes another instance stored and relayed: not stored again, not relayed again. */
const RELAY_ORIGIN = Symbol('relay');

export interface RoomDocOptions {
  snapshotEveryUpdates: number;
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
        // An ended interview is read-only history: edits are dropped, not stored or relayed.
        if (!connection.readOnly) this.applyClientUpdate(connection, message.update);
        return;
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, connection);
        return;
      case 'query-awareness':
        connection.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        return;
    }
  }

  private applyClientUpdate(connection: YjsConnection, update: Uint8Array): void {
    // Parse fully before touching the document: Yjs integrates structs before it reads the
    // delete set, so a frame corrupt at its end would otherwise be half-applied.
    Y.decodeUpdate(update);
    const pending: Uint8Array[] = [];
    this.pending = pending;
    try {
      Y.applyUpdate(this.doc, update, connection);
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

  private persistAndRelay(update: Uint8Array, author: YjsConnection | undefined, echoToAuthor: boolean): void {
    const skip = echoToAuthor ? undefined : author;
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
          this.options.relay?.publish({ kind: 'update', seq, update });
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
      if (origin !== RELAY_ORIGIN) this.options.relay?.publish({ kind: 'awareness', update });
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
      awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, RELAY_ORIGIN);
      return;
    }
    Y.applyUpdate(this.doc, message.update, RELAY_ORIGIN);
    this.held?.mark(message.seq);
  }

  /** Publishes the cursors of this instance's people (another instance just loaded the room). */
  shareAwareness(): void {
    const own = [...this.connections].flatMap((connection) => [...connection.awarenessClientIds]);
    if (own.length > 0) this.options.relay?.publish({ kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, own) });
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
