// Socket.IO clients for tests, typed with the shared event map.
import { io, type Socket } from 'socket.io-client';
import type { ErrorBody } from '../../shared/errors.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { withTimeout } from './wait-for.ts';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketAuth {
  roomId: string;
  token: string;
  name?: string;
}

/** A Socket.IO client as the app's client makes it; not yet connected. */
export function roomSocket(httpUrl: string, auth: SocketAuth | Record<string, unknown>, extraHeaders: Record<string, string> = {}): RoomSocket {
  return io(httpUrl, {
    path: '/socket.io/',
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    extraHeaders,
  });
}

/** Connects and resolves when connected; rejects with the server's error body on connect_error. */
export function connectSocket(socket: RoomSocket): Promise<RoomSocket> {
  const connecting = new Promise<RoomSocket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => reject(error));
    socket.connect();
  });
  return withTimeout(connecting, 10_000, 'the Socket.IO connection');
}

/** Connects expecting refusal; resolves with the error body the server sent. */
export function refusedSocket(socket: RoomSocket): Promise<ErrorBody | undefined> {
  const refused = new Promise<ErrorBody | undefined>((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the Socket.IO connection was accepted'));
    });
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => resolve(error.data));
    socket.connect();
  });
  return withTimeout(refused, 10_000, 'the Socket.IO refusal');
}
