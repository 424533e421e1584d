// The /yjs/<roomId>?token=… endpoint: authenticates the HTTP upgrade, then hands the socket
// to the room's document. Speaks the stock y-websocket protocol (see protocol.ts).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { ERROR_TEXT, WS_CLOSE } from '../../shared/errors.ts';
import { roomIdSchema } from '../../shared/room.ts';
import { rejectUpgrade } from '../http/reject-upgrade.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../ops/metrics.ts';
import { connectionHolder, type ConnectionLimit } from '../rooms/connection-limit.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { YjsConnection } from './connection.ts';
import type { DocRegistry } from './doc-registry.ts';
import { decodeMessage, InvalidMessageError } from './protocol.ts';
import { RefusedMessage } from './refused-message.ts';

export const YJS_PATH_PREFIX = '/yjs/';

export interface YjsServerOptions {
  rooms: RoomService;
  registry: DocRegistry;
  log: Logger;
  maxMessageBytes: number;
  pingIntervalMs: number;
  metrics?: Metrics;
  /** CONNECTIONS_PER_TOKEN, counted together with the link's Socket.IO connections. */
  connectionLimit?: ConnectionLimit;
}

export interface YjsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string): Promise<void>;
  /** Checks every open connection against the database (room decisions may have been missed). */
  recheckAll(): void;
  close(): void;
}

const toBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;

/** Sizes of frames without copying them (fragments are only concatenated for decoding). */
const byteLengthOf = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength;

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString('utf8').replace(/\uFFFD$/, '');

/** An empty Yjs update (no structs, no deletions): a sync step 2 that changes nothing. */
const EMPTY_UPDATE_BYTES = 2;

export function createYjsServer(options: YjsServerOptions): YjsServer {
  const { rooms, registry, log, metrics } = options;
  // Counts every frame sent to a client; a plain connection when there are no metrics.
  class CountedConnection extends YjsConnection {
    override send(message: Uint8Array): void {
      if (this.open) metrics?.yjsBytes('out', message.byteLength);
      super.send(message);
    }
  }
  const Connection = metrics ? CountedConnection : YjsConnection;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const live = new Set<YjsConnection>();

  // One timer for every socket: a peer that missed a whole ping period is gone.
  const keepalive = setInterval(() => {
    for (const connection of live) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, options.pingIntervalMs);
  keepalive.unref();

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string): Promise<void> {
    socket.on('error', () => socket.destroy()); // a peer vanishing mid-handshake is not our crash
    const url = new URL(req.url ?? '/', 'http://localhost');
    const roomId = decodeURIComponent(url.pathname.slice(YJS_PATH_PREFIX.length));
    if (!roomIdSchema.safeParse(roomId).success) return rejectUpgrade(socket, 'room_not_found', ERROR_TEXT.room_not_found);

    const token = url.searchParams.get('token') ?? undefined;
    const auth = await rooms.authenticate(roomId, token, ip);
    if (!auth.ok) return rejectUpgrade(socket, auth.errorId, ERROR_TEXT[auth.errorId]);

    let doc;
    try {
      doc = await registry.reserve(roomId);
    } catch (error) {
      log.error({ err: error, roomId }, 'loading a room document failed');
      return rejectUpgrade(socket, 'internal', ERROR_TEXT.internal);
    }
    if (socket.destroyed) return registry.cancelJoin(doc);

    const reserved = doc;
    let accepted = false;
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      const connection = new Connection(ws, auth.role, { roomId, token }, socket);
      metrics?.connectionOpened(connection.role, 'yjs');
      connection.readOnly = auth.room.endedAtMs !== null;
      live.add(connection);
      const held = options.connectionLimit?.open(connectionHolder(roomId, auth.holderId), () =>
        connection.close(WS_CLOSE.replacedByNewerConnection, 'replaced by a newer connection'),
      );
      reserved.pendingJoins -= 1;
      ws.on('pong', () => {
        connection.alive = true;
      });
      ws.on('message', (data, isBinary) => {
        connection.alive = true;
        metrics?.yjsBytes('in', byteLengthOf(data));
        if (!isBinary) return connection.close(WS_CLOSE.invalidMessage, 'binary frames only');
        try {
          const message = decodeMessage(toBytes(data));
          reserved.handle(connection, message);
          if (message.kind === 'sync-update' && !connection.readOnly && message.update.byteLength > EMPTY_UPDATE_BYTES) metrics?.yjsUpdateApplied();
        } catch (error) {
          // A bad or refused frame ends this connection only; the room and other clients carry on.
          if (error instanceof RefusedMessage) {
            log.warn({ roomId, role: connection.role, reason: error.message }, 'refused a yjs message');
            return connection.close(error.code, closeReason(error.message));
          }
          const reason = error instanceof InvalidMessageError ? error.message : 'update rejected';
          log.warn({ roomId, role: connection.role, reason }, 'closing a yjs connection after an invalid message');
          connection.close(WS_CLOSE.invalidMessage, closeReason(reason));
        }
      });
      ws.on('close', () => {
        held?.release();
        metrics?.connectionClosed(connection.role, 'yjs');
        live.delete(connection);
        registry.leave(reserved, connection);
      });
      ws.on('error', () => ws.terminate());
      reserved.attach(connection);
      recheckAccess(connection);
    });
    // ws calls back synchronously or not at all (it answered a malformed handshake itself).
    if (!accepted) registry.cancelJoin(reserved);
  }

  /**
   * Room decisions (end, new candidate link, delete) reach attached connections through the
   * registry; one that landed while this connection was being set up, or while Redis was
   * away, is caught by reading the room again.
   */
  function recheckAccess(connection: YjsConnection): void {
    const { roomId, token } = connection.access;
    rooms.recheck(roomId, token).then(
      (current) => {
        // The same codes and reasons as the registry's room decisions.
        if (!current.ok && current.errorId === 'room_not_found') connection.close(WS_CLOSE.roomDeleted, 'room deleted');
        else if (!current.ok) connection.close(WS_CLOSE.accessRevoked, 'access revoked');
        else if (current.room.endedAtMs !== null) connection.readOnly = true;
      },
      (error: unknown) => log.warn({ err: error, roomId }, 'checking a connection\'s access again failed'),
    );
  }

  return {
    handleUpgrade,
    recheckAll() {
      for (const connection of live) recheckAccess(connection);
    },
    close() {
      clearInterval(keepalive);
      for (const connection of live) connection.ws.terminate();
      wss.close();
    },
  };
}
