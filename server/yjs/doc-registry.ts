// Loads room documents on first join and unloads them when the last client leaves
// (the stock y-websocket server keeps every document in memory forever).
import type { Role } from '../../shared/room.ts';
import type { RelayMessage, RoomControl, RoomRelay } from '../cluster/room-relay.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../persistence/store.ts';
import { WS_CLOSE } from '../../shared/errors.ts';
import { RoomDoc, type DocLimits } from './room-doc.ts';

export interface DocRegistryOptions {
  snapshotEveryUpdates: number;
  limits: DocLimits;
  log: Logger;
  /** Multi-instance mode: other instances serving the same rooms. */
  relay?: RoomRelay;
  onPersisted?: (seconds: number) => void;
}

/** How long a missing update may be late on the relay before it is read from the database. */
const RELAY_GAP_GRACE_MS = 1000;
/**
 * How often loaded rooms are compared with the database's last seq. A gap shows only when a
 * later update arrives; an instance that stored an update and died before relaying it, with
 * nothing typed after it, leaves no gap to see.
 */
const STORED_TAIL_CHECK_MS = 5000;

export class DocRegistry {
  private readonly docs = new Map<string, RoomDoc>();
  private readonly loading = new Map<string, Promise<RoomDoc>>();
  private readonly unloading = new Map<string, Promise<void>>();

  private readonly gapCheck: NodeJS.Timeout | undefined;
  private readonly tailCheck: NodeJS.Timeout | undefined;
  /** The database's last seq of each document's room at the previous tail check. */
  private readonly storedTails = new WeakMap<RoomDoc, number>();

  constructor(
    private readonly store: Store,
    private readonly options: DocRegistryOptions,
  ) {
    const relay = options.relay;
    if (!relay) return;
    // Redis came back (perhaps empty): what it dropped meanwhile is in the database.
    relay.onReconnect(() => {
      for (const doc of this.docs.values()) this.catchUp(doc);
    });
    this.gapCheck = setInterval(() => {
      for (const doc of this.docs.values()) if (doc.missesUpdates(RELAY_GAP_GRACE_MS)) this.catchUp(doc);
    }, RELAY_GAP_GRACE_MS);
    this.gapCheck.unref();
    this.tailCheck = setInterval(() => {
      this.checkStoredTails().catch((error: unknown) => this.options.log.warn({ err: error }, 'comparing rooms with the database failed'));
    }, STORED_TAIL_CHECK_MS);
    this.tailCheck.unref();
  }

  /** Catches up a document still missing an update that was already stored at the previous check. */
  private async checkStoredTails(): Promise<void> {
    const docs = [...this.docs.values()];
    if (docs.length === 0) return;
    const lastSeqs = await this.store.lastSeqs(docs.map((doc) => doc.roomId));
    for (const doc of docs) {
      const storedBefore = this.storedTails.get(doc);
      if (storedBefore !== undefined && doc.heldUpTo < storedBefore) this.catchUp(doc);
      this.storedTails.set(doc, lastSeqs.get(doc.roomId) ?? 0);
    }
  }

  private catchUp(doc: RoomDoc): void {
    doc.catchUpFromStore().catch((error: unknown) => this.options.log.warn({ err: error, roomId: doc.roomId }, 'catching up from the database failed'));
  }

  /** Loaded documents (for health, metrics and tests). */
  get loadedRoomIds(): string[] {
    return [...this.docs.keys()];
  }

  get(roomId: string): RoomDoc | undefined {
    return this.docs.get(roomId);
  }

  /**
   * Returns the room's document with one pending join reserved; the caller must
   * follow with attach() or cancelJoin() so the document can unload again.
   */
  async reserve(roomId: string): Promise<RoomDoc> {
    for (;;) {
      const unloading = this.unloading.get(roomId);
      if (unloading) await unloading;
      const doc = this.docs.get(roomId) ?? (await this.load(roomId));
      if (this.docs.get(roomId) !== doc) continue; // unloaded while we waited: load again
      doc.pendingJoins += 1;
      return doc;
    }
  }

  cancelJoin(doc: RoomDoc): void {
    doc.pendingJoins -= 1;
    this.unloadIfIdle(doc);
  }

  leave(doc: RoomDoc, connection: Parameters<RoomDoc['detach']>[0]): void {
    doc.detach(connection);
    this.unloadIfIdle(doc);
  }

  private load(roomId: string): Promise<RoomDoc> {
    let pending = this.loading.get(roomId);
    if (!pending) {
      pending = this.loadDoc(roomId).finally(() => this.loading.delete(roomId));
      this.loading.set(roomId, pending);
    }
    return pending;
  }

  private async loadDoc(roomId: string): Promise<RoomDoc> {
    const relay = this.options.relay;
    // Relayed messages that arrive while the database is read wait for the document.
    let doc: RoomDoc | undefined;
    const early: RelayMessage[] = [];
    if (relay) {
      await relay.watch(roomId, (message) => {
        if (message.kind === 'control') return this.applyControl(roomId, message.control);
        if (doc) doc.applyRelayed(message);
        else early.push(message);
      });
    }
    try {
      const stored = await this.store.loadDocState(roomId);
      doc = new RoomDoc(roomId, this.store, stored, {
        snapshotEveryUpdates: this.options.snapshotEveryUpdates,
        limits: this.options.limits,
        log: this.options.log,
        onFatal: (failed) => this.closeAll(failed, 1011, 'storage failure'),
        relay: relay && { publish: (message) => relay.publish(roomId, message) },
        onPersisted: this.options.onPersisted,
      });
    } catch (error) {
      relay?.unwatch(roomId);
      throw error;
    }
    for (const message of early) if (message.kind !== 'control') doc.applyRelayed(message);
    this.docs.set(roomId, doc);
    relay?.publish(roomId, { kind: 'control', control: { action: 'share-awareness' } });
    return doc;
  }

  private unloadIfIdle(doc: RoomDoc): void {
    if (doc.clientCount > 0 || doc.pendingJoins > 0 || this.docs.get(doc.roomId) !== doc) return;
    this.docs.delete(doc.roomId);
    this.options.relay?.unwatch(doc.roomId);
    const done = doc
      .snapshot()
      .finally(() => {
        doc.destroy();
        this.unloading.delete(doc.roomId);
      });
    this.unloading.set(doc.roomId, done);
  }

  private closeAll(doc: RoomDoc, code: number, reason: string): void {
    for (const connection of doc.connections) connection.close(code, reason);
  }

  /** Closes the connections of one role in a room (e.g. the candidate's when the interview ends). */
  closeRole(roomId: string, role: Role): void {
    this.control(roomId, { action: 'close-role', role });
  }

  /** Makes every open connection of a room read-only (the interview ended). */
  freeze(roomId: string): void {
    this.control(roomId, { action: 'freeze' });
  }

  /** Disconnects everyone from a room that is being deleted and stores nothing more for it. */
  evict(roomId: string): void {
    this.control(roomId, { action: 'evict' });
  }

  /** Applies a room-wide decision here and on every other instance serving the room. */
  private control(roomId: string, control: RoomControl): void {
    this.applyControl(roomId, control);
    this.options.relay?.publish(roomId, { kind: 'control', control });
  }

  private applyControl(roomId: string, control: RoomControl): void {
    const doc = this.docs.get(roomId);
    if (!doc) return;
    switch (control.action) {
      case 'evict':
        doc.stopPersisting();
        return this.closeAll(doc, WS_CLOSE.roomDeleted, 'room deleted');
      case 'freeze':
        for (const connection of doc.connections) connection.readOnly = true;
        return;
      case 'share-awareness':
        return doc.shareAwareness();
      case 'close-role':
        for (const connection of doc.connections) if (connection.role === control.role) connection.close(WS_CLOSE.accessRevoked, 'access revoked');
        return;
    }
  }

  /** Closes every connection and stores every document (graceful shutdown). */
  async shutdown(code: number, reason: string): Promise<void> {
    if (this.gapCheck) clearInterval(this.gapCheck);
    if (this.tailCheck) clearInterval(this.tailCheck);
    const docs = [...this.docs.values()];
    for (const doc of docs) this.closeAll(doc, code, reason);
    await Promise.all([...docs.map((doc) => doc.snapshot()), ...this.unloading.values()]);
  }
}
