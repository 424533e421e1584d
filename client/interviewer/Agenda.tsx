// The interviewer's plan: questions with minutes, the kit's default 45-minute composition,
// a private per-question stopwatch and the shared countdown. Kept in this browser only.
import { useEffect, useState } from 'react';
import type { ProblemSummary } from '../../shared/problem.ts';
import { api } from '../net/api.ts';
import type { RoomSocket } from '../net/room-socket.ts';
import { formatSeconds } from '../room/use-shared-timer.ts';

interface AgendaItem {
  id: string;
  title: string;
  kind: string;
  minutes: number;
}

const storageKey = (roomId: string) => `interview-room:agenda:${roomId}`;

/** The kit's default: 5 technical (coding, SQL, concepts, design), 2 behavioral, 1 role-fit. */
export function defaultPlan(bank: ProblemSummary[]): AgendaItem[] {
  const pick = (kinds: string[], count: number) =>
    kinds.flatMap((kind) => bank.filter((p) => p.kind === kind)).slice(0, count);
  const technical = [
    ...pick(['coding'], 1),
    ...pick(['sql'], 1),
    ...pick(['ml-concepts'], 2),
    ...pick(['system-design'], 1),
  ];
  return [...technical, ...pick(['behavioral'], 2), ...pick(['role-fit'], 1)].map((p) => ({
    id: p.id,
    title: p.title,
    kind: p.kind,
    minutes: Math.min(p.minutes, p.kind === 'coding' || p.kind === 'system-design' ? 12 : 4),
  }));
}

export function Agenda({ roomId, token, socket, onUse }: { roomId: string; token: string; socket: RoomSocket; onUse: (id: string) => void }) {
  const [items, setItems] = useState<AgendaItem[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(storageKey(roomId)) ?? '[]') as AgendaItem[];
    } catch {
      return [];
    }
  });
  const [current, setCurrent] = useState<{ id: string; startedAt: number }>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => localStorage.setItem(storageKey(roomId), JSON.stringify(items)), [roomId, items]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);

  const total = items.reduce((sum, item) => sum + item.minutes, 0);
  const start = async (item: AgendaItem) => {
    await api.useProblem(roomId, token, item.id);
    onUse(item.id);
    setCurrent({ id: item.id, startedAt: Date.now() });
  };

  return (
    <div className="agenda">
      <div className="button-row">
        <button type="button" onClick={() => void api.listProblems(token).then(({ problems }) => setItems(defaultPlan(problems)))}>
          Default 45-minute plan
        </button>
        <button type="button" className="link-button" onClick={() => setItems([])}>
          Clear
        </button>
      </div>
      <p className="muted">
        {items.length} questions, {total} min planned. Close with the practical take-home.
      </p>
      <ol className="agenda-list">
        {items.map((item, index) => (
          <li key={item.id} className={current?.id === item.id ? 'agenda-item current' : 'agenda-item'}>
            <span>
              {item.title} <small className="muted">({item.kind})</small>
            </span>
            <input
              aria-label={`Minutes for ${item.title}`}
              type="number"
              min={1}
              max={120}
              value={item.minutes}
              onChange={(e) => setItems(items.map((it, i) => (i === index ? { ...it, minutes: Math.max(1, Number(e.target.value)) } : it)))}
            />
            <button type="button" onClick={() => void start(item)}>
              Start
            </button>
            <button type="button" className="link-button" onClick={() => socket.emit('timer:set', { minutes: item.minutes, label: item.title })}>
              Shared timer
            </button>
            {current?.id === item.id && (
              <small className={(now - current.startedAt) / 60_000 > item.minutes ? 'error' : 'muted'}>
                {formatSeconds(Math.round((now - current.startedAt) / 1000))} of {item.minutes}:00
              </small>
            )}
          </li>
        ))}
      </ol>
      <button type="button" className="link-button" onClick={() => socket.emit('timer:set', { minutes: 0 })}>
        Stop the shared timer
      </button>
    </div>
  );
}
