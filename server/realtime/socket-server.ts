// Socket.IO carries room events that are not document state: who is present, and later
// runs, timers and the interviewer's panel. Every inbound payload is parsed with its schema,
// every inbound event is counted against its connection's allowance, and each link holds at
// most CONNECTIONS_PER_TOKEN connections.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { ERROR_TEXT, type ErrorBody } from '../../shared/errors.ts';
import {
  presenceSetSchema,
  timerSetSchema,
  type SharedTimer,
  socketAuthSchema,
  type ClientToServerEvents,
  type Participant,
  type ServerToClientEvents,
} from '../../shared/events.ts';
import type { Role } from '../../shared/room.ts';
import type { RunHistoryEntry } from '../../shared/run.ts';
import { clientIp, type TrustProxy } from '../http/client-ip.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { RoomRecord } from '../persistence/store.ts';
import { connectionHolder, type ConnectionLimit } from '../rooms/connection-limit.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { eventAllowance, type EventAllowanceSettings } from './event-allowance.ts';
import { pickColor } from './presence.ts';
import type { SharedTimers } from './shared-timers.ts';

interface SocketData {
  roomId: string;
  role: Role;
  /** Which link of the role (see AuthResult): what CONNECTIONS_PER_TOKEN counts by. */
  holderId: string;
  name: string;
  color: string;
}

export type RoomServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const SOCKET_IO_PATH = '/socket.io/';

/** The Socket.IO room of one role in a room: events with private parts go per role. */
export const roleChannel = (roomId: string, role: Role) => `${roomId}/${role}`;

const participantOf = (socket: { id: string; data: SocketData }): Participant => ({
  id: socket.id,
  name: socket.data.name,
  role: socket.data.role,
  color: socket.data.color,
});

const errorBody = (id: ErrorBody['error']['id'], message: string): ErrorBody => ({ error: { id, message } });

/**
 * Every client event has its own allowance; a Record so that an event added to the shared map
 * without being named here fails to compile. Anything else a client sends shares one more.
 */
const LIMITED_EVENTS: Record<keyof ClientToServerEvents, true> = { 'presence:set': true, 'timer:set': true };
const OTHER_EVENTS = '(other)';
const allowanceKind = (event: unknown) => (typeof event === 'string' && Object.hasOwn(LIMITED_EVENTS, event) ? event : OTHER_EVENTS);

/**
 * Tells a socket why, then disconnects it. Sent as a local broadcast to the socket alone: with
 * connection-state recovery a plain emit goes through the adapter (Redis) first and would
 * arrive after the disconnect, i.e. never.
 */
function disconnectSaying(socket: RoomSocket, body: ErrorBody): void {
  socket.nsp.local.to(socket.id).emit('room:error', body);
  socket.disconnect(true);
}

/** Reads the socket's room and token again; disconnects it, saying why, when its access ended. */
async function stillAdmitted(rooms: RoomService, socket: RoomSocket): Promise<RoomRecord | undefined> {
  const current = await rooms.recheck(socket.data.roomId, socketAuthSchema.parse(socket.handshake.auth).token);
  if (current.ok && current.role === socket.data.role) return current.room;
  if (!current.ok) disconnectSaying(socket, errorBody(current.errorId, ERROR_TEXT[current.errorId]));
  else socket.disconnect(true);
  return undefined;
}

/**
 * Checks every socket of this instance against the database: after Redis was away, a
 * disconnect decided on another instance meanwhile may never have arrived.
 */
export async function recheckSocketAccess(io: RoomServer, rooms: RoomService): Promise<void> {
  await Promise.all([...io.of('/').sockets.values()].map((socket) => stillAdmitted(rooms, socket)));
}

export function createSocketServer(
  httpServer: HttpServer,
  options: {
    rooms: RoomService;
    log: Logger;
    trustProxy: TrustProxy;
    runHistory: (roomId: string) => Promise<RunHistoryEntry[]>;
    timers: SharedTimers;
    /** Multi-instance mode: room events reach sockets on every instance through Redis. */
    adapter?: ServerOptions['adapter'];
    metrics?: Metrics;
    /** SOCKET_EVENTS_PER_MINUTE and SOCKET_EVENT_BURST_COUNT, per connection and event kind. */
    events: EventAllowanceSettings;
    /** CONNECTIONS_PER_TOKEN, shared with /yjs. */
    connectionLimit: ConnectionLimit;
    /** Refuses a handshake (WebSocket or long-polling) before any auth, e.g. a foreign Origin. */
    allowRequest?: (req: IncomingMessage) => boolean;
  },
): RoomServer {
  const io: RoomServer = new Server(httpServer, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    // Socket.IO would destroy /yjs upgrades it does not own after 1 s; the HTTP layer routes them.
    destroyUpgrade: false,
    maxHttpBufferSize: 1e6,
    ...(options.allowRequest && {
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        const allowed = options.allowRequest!(req);
        callback(allowed ? null : 'origin not allowed (see ALLOWED_ORIGINS)', allowed);
      },
    }),
    ...(options.adapter && {
      adapter: options.adapter,
      // A short disconnect (an instance restarting, a network blip) replays what was missed;
      // the auth middleware runs again, so a revoked link does not come back this way.
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    }),
  });

  const { timers } = options;
  // Across instances when there are several; if they do not answer (Redis away), this
  // instance's own people are better than no answer.
  const participants = async (roomId: string) => {
    const sockets = await io
      .in(roomId)
      .fetchSockets()
      .catch((error: unknown) => {
        options.log.warn({ err: error }, 'presence: other instances did not answer; showing this instance only');
        return io.local.in(roomId).fetchSockets();
      });
    return sockets.map(participantOf);
  };
  // Coalesced per room: while one broadcast is being put together, any number of changes make
  // one more afterwards (which reads the state then), never one each.
  const presencePending = new Map<string, { again: boolean }>();
  const broadcastPresence = (roomId: string): void => {
    const pending = presencePending.get(roomId);
    if (pending) {
      pending.again = true;
      return;
    }
    const state = { again: false };
    presencePending.set(roomId, state);
    void (async () => {
      do {
        state.again = false;
        io.to(roomId).emit('presence:update', { participants: await participants(roomId) });
      } while (state.again);
    })()
      .catch((error: unknown) => options.log.warn({ err: error }, 'presence broadcast failed'))
      .finally(() => presencePending.delete(roomId));
  };

  io.use(async (socket, next) => {
    const parsed = socketAuthSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      return next(Object.assign(new Error('auth must be { roomId, token, name? }'), { data: errorBody('bad_request', 'auth must be { roomId, token, name? }') }));
    }
    const ip = clientIp(socket.request, options.trustProxy);
    const auth = await options.rooms.authenticate(parsed.data.roomId, parsed.data.token, ip);
    if (!auth.ok) return next(Object.assign(new Error(ERROR_TEXT[auth.errorId]), { data: errorBody(auth.errorId, ERROR_TEXT[auth.errorId]) }));
    const present = await participants(auth.room.id);
    socket.data = {
      roomId: auth.room.id,
      role: auth.role,
      holderId: auth.holderId,
      name: parsed.data.name ?? (auth.role === 'interviewer' ? 'Interviewer' : 'Candidate'),
      color: pickColor(present),
    };
    next();
  });

  io.on('connection', async (socket: RoomSocket) => {
    const { roomId, role } = socket.data;
    options.metrics?.connectionOpened(role, 'socketio');
    socket.once('disconnect', () => options.metrics?.connectionClosed(role, 'socketio'));
    // First, before any await: every packet of this connection passes here. An event past its
    // allowance is dropped (next() is not called); the sender hears it once per streak.
    const allow = eventAllowance(options.events);
    socket.use(([event], next) => {
      const verdict = allow(allowanceKind(event));
      if (verdict === 'allow') return next();
      if (verdict === 'drop-and-tell') {
        socket.emit('room:error', errorBody('rate_limited', `Too many "${String(event).slice(0, 40)}" events: the rest are dropped; slow down.`));
      }
    });
    // Join before checking the token again: an end or a new candidate link either landed
    // before the check (seen there) or disconnects the room's channels after the join.
    await socket.join([roomId, roleChannel(roomId, socket.data.role)]);
    const room = await stillAdmitted(options.rooms, socket);
    if (!room || !socket.connected) return;
    const held = options.connectionLimit.open(connectionHolder(roomId, socket.data.holderId), () =>
      disconnectSaying(socket, errorBody('connection_replaced', ERROR_TEXT.connection_replaced)),
    );
    socket.once('disconnect', () => held.release());
    // Counted before joining is reported, so a client that saw room:joined knows the older
    // connections beyond the limit are already being closed.
    await held.counted;
    if (!socket.connected) return;
    socket.emit('room:joined', { room: options.rooms.info(room, socket.data.role), self: participantOf(socket) });
    socket.emit('run:history', { runs: await options.runHistory(roomId) });
    socket.emit('timer:update', (await timers.get(roomId)) ?? null);
    broadcastPresence(roomId);

    socket.on('presence:set', (payload) => {
      const parsed = presenceSetSchema.safeParse(payload);
      if (!parsed.success) {
        socket.emit('room:error', errorBody('bad_request', `presence:set needs { name }: ${parsed.error.issues[0]?.message ?? ''}`));
        return;
      }
      socket.data.name = parsed.data.name;
      broadcastPresence(roomId);
    });
    socket.on('timer:set', async (payload) => {
      if (socket.data.role !== 'interviewer') {
        socket.emit('room:error', errorBody('forbidden', 'Only interviewers control the shared timer.'));
        return;
      }
      const parsed = timerSetSchema.safeParse(payload);
      if (!parsed.success) {
        socket.emit('room:error', errorBody('bad_request', `timer:set needs { minutes, label? }: ${parsed.error.issues[0]?.message ?? ''}`));
        return;
      }
      let timer: SharedTimer | null = null;
      try {
        if (parsed.data.minutes === 0) await timers.clear(roomId);
        else {
          const endsAt = new Date(Date.now() + parsed.data.minutes * 60_000).toISOString();
          timer = { label: parsed.data.label, endsAt, startedBy: socket.data.name };
          await timers.set(roomId, timer);
        }
      } catch (error) {
        options.log.warn({ err: error }, 'storing the shared timer failed');
        socket.emit('room:error', errorBody('unavailable', 'The timer could not be saved; try again.'));
        return;
      }
      io.to(roomId).emit('timer:update', timer);
    });
    socket.on('disconnect', () => broadcastPresence(roomId));
  });

  return io;
}
