import { useEffect, useState } from 'react';
import type { RoomInfo } from '../../shared/room.ts';
import { ApiError, api } from '../net/api.ts';
import { savedDisplayName, saveDisplayName } from '../net/display-name.ts';
import { tokenFromLocation } from '../net/room-link.ts';
import { NamePrompt } from './NamePrompt.tsx';
import { RoomView } from './RoomView.tsx';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; room: RoomInfo };

/** Checks the link, asks for a display name once, then opens the room. */
export function RoomPage({ roomId }: { roomId: string }) {
  const token = tokenFromLocation();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [name, setName] = useState(savedDisplayName);

  useEffect(() => {
    if (!token) return setLoad({ state: 'error', message: 'This link has no access token. Use the full link you were sent.' });
    api
      .getRoom(roomId, token)
      .then((room) => setLoad({ state: 'ready', room }))
      .catch((error: unknown) =>
        setLoad({ state: 'error', message: error instanceof ApiError ? error.message : 'The room could not be opened.' }),
      );
  }, [roomId, token]);

  if (load.state === 'loading') return <p className="centered">Opening the room…</p>;
  if (load.state === 'error') return <p className="centered error" role="alert">{load.message}</p>;
  if (!name) {
    return (
      <NamePrompt
        room={load.room}
        onSubmit={(chosen) => {
          saveDisplayName(chosen);
          setName(chosen);
        }}
      />
    );
  }
  return <RoomView room={load.room} token={token!} name={name} />;
}
