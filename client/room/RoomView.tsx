import { useCallback, useEffect, useState } from 'react';
import { LANGUAGES, YDOC, type Language, type RoomInfo } from '../../shared/room.ts';
import { CodeEditor } from '../editor/CodeEditor.tsx';
import { ApiError, api } from '../net/api.ts';
import { openRoomSocket, type RoomSocket } from '../net/room-socket.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { useRuns } from '../run/use-runs.ts';
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
  return <ConnectedRoom room={room} token={token} name={name} session={session} socket={socket} />;
}

function ConnectedRoom({ room, token, name, session, socket }: Props & { session: YjsSession; socket: RoomSocket }) {
  const status = useConnectionStatus(session.provider);
  const presence = usePresence(socket);
  const meta = session.doc.getMap(YDOC.metaMap);
  const [language, setLanguage] = useState<Language>('python');
  const runs = useRuns(socket);
  const [stdin, setStdin] = useState('');
  const [runBusy, setRunBusy] = useState(false);
  const [runError, setRunError] = useState<string>();

  const run = useCallback(async () => {
    setRunBusy(true);
    setRunError(undefined);
    try {
      const code = session.doc.getText(YDOC.codeText).toString();
      await api.run(room.roomId, token, name, { language, code, stdin: stdin || undefined });
    } catch (error) {
      setRunError(error instanceof ApiError ? error.message : 'The run could not be started.');
    } finally {
      setRunBusy(false);
    }
  }, [session, room.roomId, token, name, language, stdin]);

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
      <div className="workspace">
        <CodeEditor text={session.doc.getText(YDOC.codeText)} awareness={session.provider.awareness} language={language} onRun={run} />
        <RunPanel
          latest={runs.latest}
          history={runs.history}
          busy={runBusy}
          error={runError}
          stdin={stdin}
          onStdinChange={setStdin}
          onRun={run}
        />
      </div>
    </div>
  );
}
