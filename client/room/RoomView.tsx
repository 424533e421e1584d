import { useEffect, useState } from 'react';
import { LANGUAGES, YDOC, type Language, type RoomInfo } from '../../shared/room.ts';
import { CodeEditor } from '../editor/CodeEditor.tsx';
import { openRoomSocket, type RoomSocket } from '../net/room-socket.ts';
import { openYjsSession, type YjsSession } from '../net/yjs-session.ts';
import { RoomHeader } from './RoomHeader.tsx';
import { useConnectionStatus } from './use-connection-status.ts';
import { useDisposable } from './use-disposable.ts';
import { usePresence } from './use-presence.ts';

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

interface Props {
  room: RoomInfo;
  token: string;
  name: string;
}

export function RoomView({ room, token, name }: Props) {
  const session = useDisposable(() => openYjsSession(room.roomId, token), (s) => s.destroy(), [room.roomId, token]);
  const socket = useDisposable(() => openRoomSocket(room.roomId, token, name), (s) => s.disconnect(), [room.roomId, token, name]);
  if (!session || !socket) return <p className="centered">Connecting…</p>;
  return <ConnectedRoom room={room} name={name} session={session} socket={socket} />;
}

function ConnectedRoom({ room, name, session, socket }: Omit<Props, 'token'> & { session: YjsSession; socket: RoomSocket }) {
  const status = useConnectionStatus(session.provider);
  const presence = usePresence(socket);
  const meta = session.doc.getMap(YDOC.metaMap);
  const [language, setLanguage] = useState<Language>('python');

  useEffect(() => {
    const read = () => {
      const value = meta.get(YDOC.metaLanguageKey);
      if (isLanguage(value)) setLanguage(value);
    };
    meta.observe(read);
    read();
    return () => meta.unobserve(read);
  }, [meta]);

  // The cursor label and colour others see; the colour is the one the server assigned.
  useEffect(() => {
    const color = presence.self?.color ?? '#888888';
    session.provider.awareness.setLocalStateField('user', { name, color, role: room.role });
  }, [session, name, presence.self?.color, room.role]);

  return (
    <div className="room">
      <RoomHeader
        title={room.title}
        role={room.role}
        status={status}
        participants={presence.participants}
        selfId={presence.self?.id}
        language={language}
        onLanguageChange={(next) => meta.set(YDOC.metaLanguageKey, next)}
      />
      {presence.error && <p className="banner error" role="alert">{presence.error}</p>}
      <CodeEditor text={session.doc.getText(YDOC.codeText)} awareness={session.provider.awareness} language={language} />
    </div>
  );
}
