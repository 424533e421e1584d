import { useEffect, useState } from 'react';
import type { SharedTimer } from '../../shared/events.ts';
import type { RoomSocket } from '../net/room-socket.ts';

/** The room's shared countdown and the seconds left, ticking once a second. */
export function useSharedTimer(socket: RoomSocket): { timer: SharedTimer | null; secondsLeft: number } {
  const [timer, setTimer] = useState<SharedTimer | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    socket.on('timer:update', setTimer);
    return () => void socket.off('timer:update', setTimer);
  }, [socket]);
  useEffect(() => {
    if (!timer) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [timer]);
  return { timer, secondsLeft: timer ? Math.max(0, Math.round((Date.parse(timer.endsAt) - now) / 1000)) : 0 };
}

export const formatSeconds = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
