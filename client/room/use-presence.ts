import { useEffect, useState } from 'react';
import type { Participant } from '../../shared/events.ts';
import type { RoomSocket } from '../net/room-socket.ts';

export interface PresenceState {
  self: Participant | undefined;
  participants: Participant[];
  error: string | undefined;
}

export function usePresence(socket: RoomSocket): PresenceState {
  const [state, setState] = useState<PresenceState>({ self: undefined, participants: [], error: undefined });
  useEffect(() => {
    const onJoined = ({ self }: { self: Participant }) => setState((s) => ({ ...s, self, error: undefined }));
    const onPresence = ({ participants }: { participants: Participant[] }) => setState((s) => ({ ...s, participants }));
    const onConnectError = (error: Error & { data?: { error?: { message?: string } } }) =>
      setState((s) => ({ ...s, error: error.data?.error?.message ?? error.message }));
    socket.on('room:joined', onJoined);
    socket.on('presence:update', onPresence);
    socket.on('connect_error', onConnectError);
    return () => {
      socket.off('room:joined', onJoined);
      socket.off('presence:update', onPresence);
      socket.off('connect_error', onConnectError);
    };
  }, [socket]);
  return state;
}
