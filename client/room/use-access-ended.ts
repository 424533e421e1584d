// The server closes a connection whose access ended: the interview is over, the candidate
// link was replaced, or the room was deleted. Without this the page would say "reconnecting"
// for ever while the provider kept redialling; instead it stops and says why, in the
// server's words (asked through the API, which knows which of the three it was).
import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { ERROR_TEXT, WS_CLOSE, type ErrorBody } from '../../shared/errors.ts';
import { ApiError, api } from '../net/api.ts';
import type { RoomSocket } from '../net/room-socket.ts';

/** Answers that mean "try again later", not "your access ended". */
const PASSING = new Set(['network', 'rate_limited', 'internal', 'unavailable']);

export function useAccessEnded(roomId: string, token: string, provider: WebsocketProvider, socket: RoomSocket): string | undefined {
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    let active = true;
    // This link was opened in too many windows and this one was the oldest: redialling would
    // close the next oldest, and so on for ever, so this one stops.
    let replaced = false;
    const stopReplaced = () => {
      if (!active || replaced) return;
      replaced = true;
      provider.disconnect();
      socket.disconnect();
      setMessage(ERROR_TEXT.connection_replaced);
    };
    const check = (reconnectSocket: boolean) => {
      api.getRoom(roomId, token).then(
        () => {
          if (active && reconnectSocket && !replaced) socket.connect(); // still admitted: a passing disconnect
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
      if (event?.code === WS_CLOSE.replacedByNewerConnection) stopReplaced();
      else if (event?.code === WS_CLOSE.accessRevoked || event?.code === WS_CLOSE.roomDeleted) check(false);
    };
    const onDisconnect = (reason: string) => {
      if (reason === 'io server disconnect' && !replaced) check(true);
    };
    // The server says so just before it disconnects this socket.
    const onError = (body: ErrorBody) => {
      if (body.error.id === 'connection_replaced') stopReplaced();
    };
    provider.on('connection-close', onClose);
    socket.on('disconnect', onDisconnect);
    socket.on('room:error', onError);
    return () => {
      active = false;
      provider.off('connection-close', onClose);
      socket.off('disconnect', onDisconnect);
      socket.off('room:error', onError);
    };
  }, [roomId, token, provider, socket]);
  return message;
}
