import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Room events that are not document state (presence now; runs and timers later). */
export function openRoomSocket(roomId: string, token: string, name: string): RoomSocket {
  // WebSocket only: no long-polling, so no sticky sessions are needed behind a load balancer.
  return io({ path: '/socket.io/', transports: ['websocket'], auth: { roomId, token, name } });
}
