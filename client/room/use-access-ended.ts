// The server closes a connection whose access ended: the interview is over, the candidate
// link was replaced, or the room was deleted. Without this the page would say "reconnecting"
// for ever while the provider kept redialling; instead it stops and says why, in the
// server's words (asked through the API, which knows which of the three it was).
import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { WS_CLOSE } from '../../shared/errors.ts';
import { ApiError, api } from '../net/api.ts';
import type { RoomSocket } from '../net/room-socket.ts';

/** Answers that mean "try again later", not "your access ended". */
const PASSING = new Set(['network', 'rate_limited', 'internal', 'unavailable']);

export function useAccessEnded(roomId: string, token: string, provider: WebsocketProvider, socket: RoomSocket): string | undefined {
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    let active = true;
    const check = (reconnectSocket: boolean) => {
      api.getRoom(roomId, token).then(
        () => {
          if (active && reconnectSocket) socket.connect(); // still admitted: a passing disconnect
        },
        (error: unknown) => {
          if (!active || !(error instanceof ApiError) || PASSING.has(error.id)) return;
          provider.disconnect();
          socket.disconnect();
          setMessage(error.message);
        },
      );
    };
    const onClose = (event: CloseEvent | null) => {
      if (event?.code === WS_CLOSE.accessRevoked || event?.code === WS_CLOSE.roomDeleted) check(false);
    };
    const onDisconnect = (reason: string) => {
      if (reason === 'io server disconnect') check(true);
    };
    provider.on('connection-close', onClose);
    socket.on('disconnect', onDisconnect);
    return () => {
      active = false;
      provider.off('connection-close', onClose);
      socket.off('disconnect', onDisconnect);
    };
  }, [roomId, token, provider, socket]);
  return message;
}
