// Loads room documents on first join and unloads them when the last client leaves
// (the stock y-websocket server keeps every document in memory forever).
import type { Role } from '../../shared/room.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../persistence/store.ts';
import { RoomDoc } from './room-doc.ts';

export interface DocRegistryOptions {
  snapshotEveryUpdates: number;
  log: Logger;
}

export class DocRegistry {
  private readonly docs = new Map<string, RoomDoc>();
  private readonly loading = new Map<string, Promise<RoomDoc>>();
  private readonly unloading = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly options: DocRegistryOptions,
  ) {}

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
      pending = this.store
        .loadDocState(roomId)
        .then((stored) => {
          const doc = new RoomDoc(roomId, this.store, stored, {
            snapshotEveryUpdates: this.options.snapshotEveryUpdates,
            log: this.options.log,
            onFatal: (failed) => this.closeAll(failed, 1011, 'storage failure'),
          });
          this.docs.set(roomId, doc);
          return doc;
        })
        .finally(() => this.loading.delete(roomId));
      this.loading.set(roomId, pending);
    }
    return pending;
  }

  private unloadIfIdle(doc: RoomDoc): void {
    if (doc.clientCount > 0 || doc.pendingJoins > 0 || this.docs.get(doc.roomId) !== doc) return;
    this.docs.delete(doc.roomId);
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
  closeRole(roomId: string, role: Role, code: number, reason: string): void {
    for (const connection of this.docs.get(roomId)?.connections ?? []) if (connection.role === role) connection.close(code, reason);
  }

  /** Makes every open connection of a room read-only (the interview ended). */
  freeze(roomId: string): void {
    for (const connection of this.docs.get(roomId)?.connections ?? []) connection.readOnly = true;
  }

  /** Disconnects everyone from a room that is being deleted and stores nothing more for it. */
  evict(roomId: string, code: number, reason: string): void {
    const doc = this.docs.get(roomId);
    if (!doc) return;
    doc.stopPersisting();
    this.closeAll(doc, code, reason);
  }

  /** Closes every connection and stores every document (graceful shutdown). */
  async shutdown(code: number, reason: string): Promise<void> {
    const docs = [...this.docs.values()];
    for (const doc of docs) this.closeAll(doc, code, reason);
    await Promise.all([...docs.map((doc) => doc.snapshot()), ...this.unloading.values()]);
  }
}
