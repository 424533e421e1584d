import type { Participant, SharedTimer } from '../../shared/events.ts';
import { LANGUAGES, type Language, type Role } from '../../shared/room.ts';
import type { ConnectionStatus } from './use-connection-status.ts';
import { formatSeconds } from './use-shared-timer.ts';

const LANGUAGE_LABEL: Record<Language, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  sql: 'SQL',
};

const STATUS_LABEL: Record<ConnectionStatus, string> = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline: edits are kept and sent when you are back',
};

interface Props {
  title: string;
  role: Role;
  status: ConnectionStatus;
  participants: Participant[];
  selfId: string | undefined;
  language: Language;
  timer: { timer: SharedTimer | null; secondsLeft: number };
  onLanguageChange: (language: Language) => void;
}

export function RoomHeader({ title, role, status, participants, selfId, language, timer, onLanguageChange }: Props) {
  return (
    <header className="room-header">
      <h1 className="room-title">{title}</h1>
      <label className="language-picker">
        Language
        <select
          aria-label="Language"
          value={language}
          onChange={(event) => onLanguageChange(event.target.value as Language)}
        >
          {LANGUAGES.map((id) => (
            <option key={id} value={id}>
              {LANGUAGE_LABEL[id]}
            </option>
          ))}
        </select>
      </label>
      <ul className="presence" aria-label="People in the room">
        {participants.map((p) => (
          <li key={p.id} className="participant" data-role={p.role} style={{ borderColor: p.color }}>
            <span className="dot" style={{ background: p.color }} />
            {p.name}
            {p.id === selfId ? ' (you)' : ''}
            <span className="role">{p.role}</span>
          </li>
        ))}
      </ul>
      {timer.timer && (
        <span className={timer.secondsLeft === 0 ? 'shared-timer over' : 'shared-timer'} data-testid="shared-timer" title={`Started by ${timer.timer.startedBy}`}>
          {timer.timer.label ? `${timer.timer.label}: ` : ''}
          {formatSeconds(timer.secondsLeft)}
        </span>
      )}
      <span className={`status status-${status}`} data-testid="connection-status" data-status={status}>
        {STATUS_LABEL[status]}
      </span>
      <span className="my-role">You: {role}</span>
    </header>
  );
}
