import { useEffect, useMemo, useState } from 'react';
import { COMPETENCIES, DIFFICULTIES, PROBLEM_KINDS, type InterviewerProblem, type ProblemSummary } from '../../shared/problem.ts';
import { ApiError, api } from '../net/api.ts';
import { Markdown } from '../problems/Markdown.tsx';

interface Props {
  roomId: string;
  token: string;
  onUsed: (problem: InterviewerProblem) => void;
}

/** Browse, filter and preview the bank with rubrics; "Use in room" shows it to the candidate. */
export function ProblemBank({ roomId, token, onUsed }: Props) {
  const [all, setAll] = useState<ProblemSummary[]>([]);
  const [filters, setFilters] = useState({ kind: '', difficulty: '', competency: '', search: '' });
  const [preview, setPreview] = useState<InterviewerProblem>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.listProblems(token).then(({ problems }) => setAll(problems), (e: unknown) => setError(e instanceof ApiError ? e.message : 'The bank could not be loaded.'));
  }, [token]);

  const shown = useMemo(() => {
    const search = filters.search.trim().toLowerCase();
    return all.filter(
      (p) =>
        (!filters.kind || p.kind === filters.kind) &&
        (!filters.difficulty || p.difficulty === filters.difficulty) &&
        (!filters.competency || p.competencies.includes(filters.competency as never)) &&
        (!search || p.title.toLowerCase().includes(search) || p.tags.some((t) => t.toLowerCase().includes(search))),
    );
  }, [all, filters]);

  const select = (name: keyof typeof filters, options: readonly string[]) => (
    <select aria-label={`Filter by ${name}`} value={filters[name]} onChange={(e) => setFilters({ ...filters, [name]: e.target.value })}>
      <option value="">any {name}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );

  const use = async (problem: InterviewerProblem) => {
    try {
      onUsed(await api.useProblem(roomId, token, problem.id));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The problem could not be used.');
    }
  };

  if (preview) {
    return (
      <div className="bank-preview">
        <button type="button" className="link-button" onClick={() => setPreview(undefined)}>
          ← Back to the bank
        </button>
        <h3>{preview.title}</h3>
        <p className="problem-meta">
          {preview.kind} · {preview.difficulty} · {preview.minutes} min · {preview.competencies.join(', ')}
        </p>
        <button type="button" onClick={() => void use(preview)}>
          Use in room
        </button>
        <Markdown source={preview.statement} />
        <div className="rubric" data-testid="rubric">
          <h4>What a strong answer covers</h4>
          <ul>{preview.rubric.strongAnswer.map((line) => <li key={line}>{line}</li>)}</ul>
          {preview.rubric.followUps.length > 0 && (
            <>
              <h4>Follow-ups</h4>
              <ul>{preview.rubric.followUps.map((line) => <li key={line}>{line}</li>)}</ul>
            </>
          )}
          {preview.rubric.redFlags.length > 0 && (
            <>
              <h4>Red flags</h4>
              <ul>{preview.rubric.redFlags.map((line) => <li key={line}>{line}</li>)}</ul>
            </>
          )}
        </div>
        {(preview.modelAnswer || Object.keys(preview.solutions).length > 0) && (
          <details>
            <summary>Model answer</summary>
            {preview.modelAnswer && <Markdown source={preview.modelAnswer} />}
            {Object.entries(preview.solutions).map(([language, code]) => (
              <pre key={language}>{code}</pre>
            ))}
          </details>
        )}
        {error && <p className="error">{error}</p>}
      </div>
    );
  }

  return (
    <div className="bank">
      <div className="bank-filters">
        <input aria-label="Search the bank" placeholder="Search title or tag" value={filters.search} onChange={(e) => setFilters({ ...filters, search: e.target.value })} />
        {select('kind', PROBLEM_KINDS)}
        {select('difficulty', DIFFICULTIES)}
        {select('competency', COMPETENCIES)}
      </div>
      {error && <p className="error">{error}</p>}
      <p className="muted">{shown.length} of {all.length} questions</p>
      <ul className="bank-list">
        {shown.map((p) => (
          <li key={p.id}>
            <button type="button" className="bank-item" onClick={() => void api.getProblem<InterviewerProblem>(p.id, token).then(setPreview)}>
              <span>{p.title}</span>
              <small>
                {p.kind} · {p.difficulty} · {p.minutes} min{p.hasTests ? ' · tests' : ''}
              </small>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
