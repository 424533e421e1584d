// CONNECTIONS_PER_TOKEN: how many connections (Socket.IO and /yjs together) one token holder
// keeps open. A new connection beyond it closes the holder's OLDEST one rather than being
// refused: a client reconnecting beside a socket the server has not yet noticed is dead must
// get in. Several instances count together in Redis (server/cluster/redis-connection-limit.ts).

export interface HeldConnection {
  /** Settles once the connection is counted and older ones beyond the limit were told to close. */
  counted: Promise<void>;
  /** The connection closed; call once, from its close handler. */
  release(): void;
}

export interface ConnectionLimit {
  /** Counts a new connection of `holder`; `close` is called if a newer one later replaces it. */
  open(holder: string, close: () => void): HeldConnection;
  dispose(): Promise<void>;
}

/** One holder is one link of one room. */
export const connectionHolder = (roomId: string, holderId: string): string => `${roomId}/${holderId}`;

/** This instance's open connections per holder, oldest first (Map keeps insertion order). */
export class OpenConnections {
  private readonly holders = new Map<string, Map<string, () => void>>();

  add(holder: string, id: string, close: () => void): void {
    let connections = this.holders.get(holder);
    if (!connections) this.holders.set(holder, (connections = new Map()));
    connections.set(id, close);
  }

  delete(holder: string, id: string): void {
    const connections = this.holders.get(holder);
    connections?.delete(id);
    if (connections?.size === 0) this.holders.delete(holder);
  }

  /** Closes one connection if this instance holds it. */
  closeOne(holder: string, id: string): void {
    const close = this.holders.get(holder)?.get(id);
    if (!close) return;
    this.delete(holder, id);
    close();
  }

  /** Closes the holder's oldest connections until at most `limit` remain. */
  trim(holder: string, limit: number): void {
    const connections = this.holders.get(holder);
    if (!connections || connections.size <= limit) return;
    // Chosen before any is closed: a close handler may release synchronously.
    const oldest = [...connections.keys()].slice(0, connections.size - limit);
    for (const id of oldest) this.closeOne(holder, id);
  }
}

export function localConnectionLimit(perHolder: number): ConnectionLimit {
  const open = new OpenConnections();
  let next = 0;
  return {
    open(holder, close) {
      const id = String(next++);
      open.add(holder, id, close);
      open.trim(holder, perHolder);
      return { counted: Promise.resolve(), release: () => open.delete(holder, id) };
    },
    dispose: async () => undefined,
  };
}
