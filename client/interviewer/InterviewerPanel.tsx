import { useState, type ReactNode } from 'react';
import type { CandidateProblem } from '../../shared/problem.ts';
import type * as Y from 'yjs';
import type { RoomSocket } from '../net/room-socket.ts';
import { Agenda } from './Agenda.tsx';
import { ProblemBank } from './ProblemBank.tsx';
import { RoomAdmin } from './RoomAdmin.tsx';
import { ScorecardPanel, type EvidenceSources } from './ScorecardPanel.tsx';

const TABS = ['Run', 'Plan', 'Bank', 'Scorecard', 'Room'] as const;
type Tab = (typeof TABS)[number];

interface Props {
  roomId: string;
  token: string;
  name: string;
  ended: boolean;
  usedProblems: CandidateProblem[];
  evidence: EvidenceSources;
  onProblemUsed: () => void;
  runPanel: ReactNode;
  socket: RoomSocket;
  /** The room's shared document (the report attaches the whiteboard's drawing from it). */
  doc: Y.Doc;
}

/** The interviewer's side of the room. Never rendered for a candidate, and the server refuses them its data anyway. */
export function InterviewerPanel({ roomId, token, name, ended, usedProblems, evidence, onProblemUsed, runPanel, socket, doc }: Props) {
  const [tab, setTab] = useState<Tab>('Run');
  return (
    <aside className="side-panel">
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </nav>
      <div className="tab-body">
        {tab === 'Run' && runPanel}
        {tab === 'Plan' && <Agenda roomId={roomId} token={token} socket={socket} onUse={onProblemUsed} />}
        {tab === 'Bank' && (
          <ProblemBank
            roomId={roomId}
            token={token}
            onUsed={() => {
              onProblemUsed();
              setTab('Scorecard');
            }}
          />
        )}
        {/* Kept mounted so typing in notes is never lost by switching tabs mid-save. */}
        <div hidden={tab !== 'Scorecard'}>
          <ScorecardPanel roomId={roomId} token={token} name={name} problems={usedProblems} evidence={evidence} />
        </div>
        {tab === 'Room' && <RoomAdmin roomId={roomId} token={token} ended={ended} doc={doc} />}
      </div>
    </aside>
  );
}
