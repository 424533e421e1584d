import { useCallback, useEffect, useState } from 'react';
import type { CandidateProblem } from '../../shared/problem.ts';
import { LANGUAGES, YDOC, problemBuffer, type Language, type RoomInfo } from '../../shared/room.ts';
import { CodeEditor, type CodeSelection } from '../editor/CodeEditor.tsx';
import { InterviewerPanel } from '../interviewer/InterviewerPanel.tsx';
import { ApiError, api } from '../net/api.ts';
import { openRoomSocket, type RoomSocket } from '../net/room-socket.ts';
import { openYjsSession, type YjsSession } from '../net/yjs-session.ts';
import { ProblemStatement } from '../problems/ProblemStatement.tsx';
import { useActiveProblemId, useProblem } from '../problems/use-active-problem.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { useRuns } from '../run/use-runs.ts';
import { Whiteboard } from '../whiteboard/Whiteboard.tsx';
import { RoomHeader } from './RoomHeader.tsx';
import { useAccessEnded } from './use-access-ended.ts';
import { useConnectionStatus } from './use-connection-status.ts';
import { useDisposable } from './use-disposable.ts';
import { usePresence } from './use-presence.ts';
import { useSharedTimer } from './use-shared-timer.ts';

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

interface Props {
  room: RoomInfo;
  token: string;
  name: string;
}

export function RoomView({ room, token, name }: Props) {
  // A new generation is a fresh copy of the document from the server (after a refused change).
  const [generation, setGeneration] = useState(0);
  const [resyncNotice, setResyncNotice] = useState<string>();
  const session = useDisposable(
    () =>
      openYjsSession(room.roomId, token, (reason) => {
        setResyncNotice(reason);
        setGeneration((current) => current + 1);
      }),
    (s) => s.destroy(),
    [room.roomId, token, generation],
  );
  const socket = useDisposable(() => openRoomSocket(room.roomId, token, name), (s) => s.disconnect(), [room.roomId, token, name]);
  if (!session || !socket) return <p className="centered">Connecting…</p>;
  return (
    <>
      {resyncNotice !== undefined && (
        <p className="banner resync-notice" role="status">
          The server did not accept a change from this browser ({resyncNotice || 'no reason given'}), so the room was reloaded from the
          server's copy.{' '}
          <button type="button" onClick={() => setResyncNotice(undefined)}>
            Dismiss
          </button>
        </p>
      )}
      <ConnectedRoom key={generation} room={room} token={token} name={name} session={session} socket={socket} />
    </>
  );
}

function useSharedLanguage(session: YjsSession): Language {
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
  return language;
}

/** Problems used in the room, refreshed when the active one changes (interviewers score them). */
function useRoomProblems(roomId: string, token: string, enabled: boolean, activeId: string | undefined) {
  const [problems, setProblems] = useState<CandidateProblem[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    api.roomProblems(roomId, token).then(({ problems: used }) => setProblems(used), () => undefined);
  }, [roomId, token, enabled, activeId, version]);
  return { problems, refresh: () => setVersion((v) => v + 1) };
}

function ConnectedRoom({ room, token, name, session, socket }: Props & { session: YjsSession; socket: RoomSocket }) {
  const status = useConnectionStatus(session.provider);
  const accessEnded = useAccessEnded(room.roomId, token, session.provider, socket);
  const presence = usePresence(socket);
  const language = useSharedLanguage(session);
  const runs = useRuns(socket, { roomId: room.roomId, token, interviewer: room.role === 'interviewer' });
  const sharedTimer = useSharedTimer(socket);
  const activeProblemId = useActiveProblemId(session.doc);
  const problem = useProblem(room.roomId, activeProblemId, token);
  const isInterviewer = room.role === 'interviewer';
  const roomProblems = useRoomProblems(room.roomId, token, isInterviewer, activeProblemId);
  const [stdin, setStdin] = useState('');
  const [runBusy, setRunBusy] = useState(false);
  const [runError, setRunError] = useState<string>();
  // Each problem has its own buffer, so moving on never overwrites the last answer.
  const bufferName = activeProblemId ? problemBuffer(activeProblemId) : YDOC.codeText;
  const text = session.doc.getText(bufferName);
  const [codeSelection, setCodeSelection] = useState<CodeSelection>();
  // Each person chooses what they look at; the editor stays mounted to keep its undo history.
  const [view, setView] = useState<'code' | 'whiteboard'>('code');

  const run = useCallback(async () => {
    setRunBusy(true);
    setRunError(undefined);
    try {
      const graded = problem?.hasTests && problem.languages.includes(language) ? problem.id : undefined;
      await api.run(room.roomId, token, name, { language, code: text.toString(), stdin: stdin || undefined, problemId: graded });
    } catch (error) {
      setRunError(error instanceof ApiError ? error.message : 'The run could not be started.');
    } finally {
      setRunBusy(false);
    }
  }, [room.roomId, token, name, language, stdin, problem, text]);

  // The cursor label and colour others see; the colour is the one the server assigned.
  useEffect(() => {
    const color = presence.self?.color ?? '#888888';
    session.provider.awareness.setLocalStateField('user', { name, color, role: room.role });
  }, [session, name, presence.self?.color, room.role]);

  const runPanel = (
    <RunPanel latest={runs.latest} history={runs.history} gradedRuns={runs.gradedRuns} busy={runBusy} error={runError} stdin={stdin} onStdinChange={setStdin} onRun={run} />
  );

  if (accessEnded) {
    return (
      <p className="centered" role="alert" data-testid="access-ended">
        {accessEnded}
      </p>
    );
  }

  return (
    <div className="room">
      <RoomHeader
        title={room.title}
        role={room.role}
        status={status}
        participants={presence.participants}
        selfId={presence.self?.id}
        language={language}
        timer={sharedTimer}
        onLanguageChange={(next) => session.doc.getMap(YDOC.metaMap).set(YDOC.metaLanguageKey, next)}
      />
      {presence.error && <p className="banner error" role="alert">{presence.error}</p>}
      <div className="workspace">
        {problem && <ProblemStatement problem={problem} />}
        <div className="workspace-main">
          <div className="view-switch" role="group" aria-label="View">
            <button type="button" aria-pressed={view === 'code'} onClick={() => setView('code')}>Code</button>
            <button type="button" aria-pressed={view === 'whiteboard'} onClick={() => setView('whiteboard')}>Whiteboard</button>
          </div>
          <div className="workspace-view" hidden={view !== 'code'}>
            <CodeEditor
              text={text}
              awareness={session.provider.awareness}
              language={language}
              onRun={run}
              onSelectionChange={isInterviewer ? setCodeSelection : undefined}
              readOnly={room.endedAt !== null}
            />
          </div>
          {view === 'whiteboard' && <Whiteboard doc={session.doc} awareness={session.provider.awareness} roomId={room.roomId} token={token} exportName={`whiteboard-${room.roomId}`} />}
        </div>
        {isInterviewer ? (
          <InterviewerPanel
            roomId={room.roomId}
            token={token}
            name={name}
            ended={room.endedAt !== null}
            usedProblems={roomProblems.problems}
            evidence={{ lastRunId: runs.latest?.started.runId, codeSelection: codeSelection && { ...codeSelection, buffer: bufferName } }}
            onProblemUsed={roomProblems.refresh}
            runPanel={runPanel}
            socket={socket}
            doc={session.doc}
          />
        ) : (
          <aside className="side-panel">{runPanel}</aside>
        )}
      </div>
    </div>
  );
}
