import { useState } from 'react';
import type { CandidateProblem } from '../../shared/problem.ts';
import { COMPETENCIES } from '../../shared/problem.ts';
import { PRACTICAL_STATUSES, describeEvidence, type Evidence, type Note, type ScorecardDraft } from '../../shared/scorecard.ts';
import type { CodeSelection } from '../editor/CodeEditor.tsx';
import { useScorecard } from './use-scorecard.ts';

const VERDICT_TEXT = { hire: 'Hire', 'no-hire': 'No hire', 'pending-practical': 'Pending the practical', incomplete: 'Incomplete' } as const;

interface Props {
  roomId: string;
  token: string;
  name: string;
  problems: CandidateProblem[];
  evidence: EvidenceSources;
}

/** What a note can be pinned to right now. */
export interface EvidenceSources {
  lastRunId: string | undefined;
  codeSelection: (CodeSelection & { buffer: string }) | undefined;
}

/** One note per question, kept in the draft; pinned evidence links it to a moment or a run. */
function upsertNote(draft: ScorecardDraft, problemId: string | null, text: string, evidence?: Evidence): ScorecardDraft {
  const id = problemId ?? 'general';
  const now = new Date().toISOString();
  const existing = draft.notes.find((n) => n.id === id);
  const note: Note = existing
    ? { ...existing, text, updatedAt: now, evidence: evidence ?? existing.evidence }
    : { id, problemId, text, createdAt: now, updatedAt: now, evidence };
  return { ...draft, notes: [...draft.notes.filter((n) => n.id !== id), note] };
}

export function ScorecardPanel({ roomId, token, name, problems, evidence: sources }: Props) {
  const { lastRunId, codeSelection } = sources;
  const { card, kit, saving, error, edit, submit, amend } = useScorecard(roomId, token, name);
  const [amendment, setAmendment] = useState('');
  if (!card || !kit) return <p className="muted">Loading the scorecard…</p>;
  const locked = card.submittedAt !== null;
  const { draft, recommendation: r } = card;
  const noteOf = (problemId: string | null) => draft.notes.find((n) => n.id === (problemId ?? 'general'));

  const noteEditor = (problemId: string | null, label: string) => {
    const note = noteOf(problemId);
    return (
      <div className="note">
        <textarea
          aria-label={`Notes: ${label}`}
          disabled={locked}
          rows={3}
          value={note?.text ?? ''}
          onChange={(e) => edit((d) => upsertNote(d, problemId, e.target.value))}
        />
        {!locked && (
          <div className="pin-row">
            <button type="button" className="link-button" onClick={() => edit((d) => upsertNote(d, problemId, note?.text ?? '', { kind: 'moment', at: new Date().toISOString() }))}>
              Pin to now
            </button>
            {codeSelection && (
              <button
                type="button"
                className="link-button"
                onClick={() => edit((d) => upsertNote(d, problemId, note?.text ?? '', { kind: 'code', ...codeSelection }))}
              >
                Pin to selected code (lines {codeSelection.fromLine}-{codeSelection.toLine})
              </button>
            )}
            {lastRunId && (
              <button type="button" className="link-button" onClick={() => edit((d) => upsertNote(d, problemId, note?.text ?? '', { kind: 'run', runId: lastRunId }))}>
                Pin to last run
              </button>
            )}
          </div>
        )}
        {note?.evidence && <small className="muted">Evidence: {describeEvidence(note.evidence, (iso) => new Date(iso).toLocaleTimeString())}</small>}
      </div>
    );
  };

  return (
    <div className="scorecard" aria-label="Scorecard">
      <p className={`verdict verdict-${r.verdict}`} data-testid="recommendation" data-verdict={r.verdict}>
        Recommendation: <b>{VERDICT_TEXT[r.verdict]}</b>
        {r.mean !== null && ` · mean ${r.mean.toFixed(2)}`}
      </p>
      <p className="muted">
        technical {r.categoryMeans.technical?.toFixed(2) ?? '–'} · behavioral {r.categoryMeans.behavioral?.toFixed(2) ?? '–'} · role-fit{' '}
        {r.categoryMeans['role-fit']?.toFixed(2) ?? '–'}
      </p>
      <ul className="reasons">{r.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul>
      <p className="muted">{locked ? `Submitted ${new Date(card.submittedAt!).toLocaleString()}` : saving === 'saving' ? 'Saving…' : saving === 'saved' ? 'Saved' : ''}</p>
      {error && <p className="error" role="alert">{error}</p>}

      <h4>Questions</h4>
      {problems.length === 0 && <p className="muted">Use a question from the bank to score it here.</p>}
      {problems.map((problem) => (
        <fieldset key={problem.id} className="question-score">
          <legend>{problem.title}</legend>
          <div className="score-buttons" role="radiogroup" aria-label={`Score for ${problem.title}`}>
            {kit.scale.map((point) => (
              <button
                key={point.score}
                type="button"
                role="radio"
                aria-checked={draft.scores[problem.id] === point.score}
                className={draft.scores[problem.id] === point.score ? 'score selected' : 'score'}
                title={point.meaning}
                disabled={locked}
                onClick={() => edit((d) => ({ ...d, scores: { ...d.scores, [problem.id]: point.score } }))}
              >
                {point.score} {point.label}
              </button>
            ))}
          </div>
          {noteEditor(problem.id, problem.title)}
        </fieldset>
      ))}
      <fieldset>
        <legend>General notes</legend>
        {noteEditor(null, 'general')}
      </fieldset>

      <h4>Competencies</h4>
      {COMPETENCIES.map((id) => {
        const competency = kit.competencies.find((c) => c.id === id);
        return (
          <label key={id} className="inline-field" title={competency?.description}>
            {competency?.label ?? id}
            <select
              disabled={locked}
              value={draft.competencies[id] ?? ''}
              onChange={(e) => edit((d) => ({ ...d, competencies: { ...d.competencies, [id]: e.target.value ? Number(e.target.value) : undefined } }))}
            >
              <option value="">–</option>
              {kit.scale.map((p) => (
                <option key={p.score} value={p.score}>
                  {p.score} {p.label}
                </option>
              ))}
            </select>
          </label>
        );
      })}

      <h4>Red flags</h4>
      {kit.redFlags.map((flag) => (
        <label key={flag.id} className="checkbox" title={flag.description}>
          <input
            type="checkbox"
            disabled={locked}
            checked={draft.redFlags.includes(flag.id)}
            onChange={(e) =>
              edit((d) => ({ ...d, redFlags: e.target.checked ? [...d.redFlags, flag.id] : d.redFlags.filter((f) => f !== flag.id) }))
            }
          />
          {flag.label}
        </label>
      ))}

      <h4>Practical: {kit.practical.title}</h4>
      <label className="inline-field">
        Status
        <select
          aria-label="Practical status"
          disabled={locked}
          value={draft.practical.status}
          onChange={(e) => edit((d) => ({ ...d, practical: { ...d.practical, status: e.target.value as (typeof PRACTICAL_STATUSES)[number] } }))}
        >
          {PRACTICAL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {kit.practical.criteria.map((criterion) => (
        <label key={criterion.id} className="inline-field" title={criterion.description}>
          {criterion.label} ({criterion.weight}%)
          <input
            type="number"
            min={0}
            max={100}
            disabled={locked}
            value={draft.practical.criteria[criterion.id] ?? ''}
            onChange={(e) =>
              edit((d) => ({ ...d, practical: { ...d.practical, criteria: { ...d.practical.criteria, [criterion.id]: Math.max(0, Math.min(100, Number(e.target.value))) } } }))
            }
          />
        </label>
      ))}

      <h4>Decision</h4>
      <label className="inline-field">
        Override
        <select
          disabled={locked}
          value={draft.override?.verdict ?? ''}
          onChange={(e) =>
            edit((d) => ({ ...d, override: e.target.value ? { verdict: e.target.value as 'hire' | 'no-hire', justification: d.override?.justification ?? '' } : undefined }))
          }
        >
          <option value="">follow the recommendation</option>
          <option value="hire">hire</option>
          <option value="no-hire">no hire</option>
        </select>
      </label>
      {draft.override && (
        <textarea
          aria-label="Justification for the override"
          placeholder="Why you decide differently (at least 10 characters)"
          disabled={locked}
          value={draft.override.justification}
          onChange={(e) => edit((d) => ({ ...d, override: { verdict: d.override!.verdict, justification: e.target.value } }))}
        />
      )}
      {!locked ? (
        <button type="button" onClick={() => void submit()}>
          Submit scorecard
        </button>
      ) : (
        <div className="amend">
          {card.amendments.map((a) => (
            <p key={a.at} className="muted">
              Amendment {new Date(a.at).toLocaleString()}: {a.text}
            </p>
          ))}
          <textarea aria-label="Amendment" value={amendment} onChange={(e) => setAmendment(e.target.value)} placeholder="Add an amendment (the submitted card stays as it was)" />
          <button type="button" disabled={amendment.trim().length < 3} onClick={() => void amend(amendment).then(() => setAmendment(''))}>
            Add amendment
          </button>
        </div>
      )}
    </div>
  );
}
