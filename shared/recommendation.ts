// The hiring rule of the interview kit, computed the same way on server and client:
// hire when the mean of every scored answer (technical, behavioral, role-fit) is at least the
// kit's minimum, no red flag is ticked, and the practical take-home is passed.
import { categoryOf, type ProblemKind, type ScoreCategory } from './problem.ts';
import type { Recommendation, ScorecardDraft } from './scorecard.ts';

const CATEGORIES: ScoreCategory[] = ['technical', 'behavioral', 'role-fit'];
/** Means are compared with a small tolerance so 3.0 computed as 2.9999999 still counts as 3.0. */
const EPSILON = 1e-9;

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

export function recommend(draft: ScorecardDraft, kindOf: (problemId: string) => ProblemKind | undefined, minimumMean: number): Recommendation {
  const byCategory: Record<ScoreCategory, number[]> = { technical: [], behavioral: [], 'role-fit': [] };
  for (const [problemId, score] of Object.entries(draft.scores)) {
    const kind = kindOf(problemId);
    if (kind) byCategory[categoryOf(kind)].push(score);
  }
  const all = CATEGORIES.flatMap((category) => byCategory[category]);
  const overall = mean(all);
  const categoryMeans = {
    technical: mean(byCategory.technical),
    behavioral: mean(byCategory.behavioral),
    'role-fit': mean(byCategory['role-fit']),
  };
  const reasons: string[] = [];
  let verdict: Recommendation['verdict'];
  if (overall === null) {
    verdict = 'incomplete';
    reasons.push('No answer has been scored yet.');
  } else {
    const meetsMean = overall >= minimumMean - EPSILON;
    reasons.push(`Mean score ${overall.toFixed(2)} ${meetsMean ? 'meets' : 'is below'} the ${minimumMean.toFixed(1)} bar.`);
    for (const category of CATEGORIES) if (categoryMeans[category] === null) reasons.push(`No ${category} answer scored.`);
    if (draft.redFlags.length > 0) reasons.push(`${draft.redFlags.length} red flag${draft.redFlags.length > 1 ? 's' : ''} ticked.`);
    const practical = draft.practical.status;
    reasons.push(practical === 'pending' ? 'The practical take-home is still pending.' : `The practical take-home was ${practical}.`);
    if (!meetsMean || draft.redFlags.length > 0 || practical === 'failed') verdict = 'no-hire';
    else verdict = practical === 'pending' ? 'pending-practical' : 'hire';
  }
  if (draft.override) reasons.push(`Overridden to ${draft.override.verdict}: ${draft.override.justification}`);
  return { verdict, mean: overall, categoryMeans, reasons, decision: draft.override?.verdict ?? verdict };
}
