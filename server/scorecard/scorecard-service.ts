// Each interviewer's private scorecard: drafts autosave until submitted, submitting locks the
// card (later changes are appended as amendments), and another interviewer's card becomes
// visible only after one's own is submitted, so panel members score independently.
import { recommend } from '../../shared/recommendation.ts';
import type { Recommendation, Scorecard, ScorecardDraft } from '../../shared/scorecard.ts';
import { scorecardDraftSchema } from '../../shared/scorecard.ts';
import { HttpError } from '../http/http-error.ts';
import type { Store } from '../persistence/store.ts';
import type { ProblemBank } from '../problems/load-problems.ts';

export interface ScorecardWithRecommendation extends Scorecard {
  recommendation: Recommendation;
}

export class ScorecardService {
  constructor(
    private readonly store: Store,
    private readonly bank: ProblemBank,
  ) {}

  private withRecommendation(card: Scorecard): ScorecardWithRecommendation {
    const kindOf = (problemId: string) => this.bank.problems.get(problemId)?.meta.kind;
    return { ...card, recommendation: recommend(card.draft, kindOf, this.bank.kit.hiringRule.minimumMean) };
  }

  private validate(draft: ScorecardDraft): void {
    const unknownFlag = draft.redFlags.find((id) => !this.bank.kit.redFlags.some((flag) => flag.id === id));
    if (unknownFlag) throw new HttpError('bad_request', `Unknown red flag "${unknownFlag}"; use an id from the kit.`);
    const unknownProblem = Object.keys(draft.scores).find((id) => !this.bank.problems.has(id));
    if (unknownProblem) throw new HttpError('bad_request', `Unknown problem "${unknownProblem}" in scores.`);
    const unknownCriterion = Object.keys(draft.practical.criteria).find((id) => !this.bank.kit.practical.criteria.some((c) => c.id === id));
    if (unknownCriterion) throw new HttpError('bad_request', `Unknown practical criterion "${unknownCriterion}".`);
  }

  async own(roomId: string, interviewerId: string, interviewerName: string): Promise<ScorecardWithRecommendation> {
    const card = (await this.store.getScorecard(roomId, interviewerId)) ?? {
      interviewerId,
      interviewerName,
      draft: scorecardDraftSchema.parse({}),
      submittedAt: null,
      updatedAt: new Date().toISOString(),
      amendments: [],
    };
    return this.withRecommendation(card);
  }

  async save(roomId: string, interviewerId: string, interviewerName: string, draft: ScorecardDraft): Promise<ScorecardWithRecommendation> {
    this.validate(draft);
    const outcome = await this.store.saveScorecardDraft(roomId, interviewerId, interviewerName, draft, Date.now());
    if (outcome === 'locked') {
      throw new HttpError('conflict', 'This scorecard was submitted and is locked; add an amendment instead.');
    }
    return this.own(roomId, interviewerId, interviewerName);
  }

  async submit(roomId: string, interviewerId: string, interviewerName: string): Promise<ScorecardWithRecommendation> {
    const card = await this.store.getScorecard(roomId, interviewerId);
    if (!card || Object.keys(card.draft.scores).length === 0) {
      throw new HttpError('bad_request', 'Score at least one answer before submitting.');
    }
    const outcome = await this.store.submitScorecard(roomId, interviewerId, Date.now());
    if (outcome === 'already-submitted') throw new HttpError('conflict', 'This scorecard was already submitted.');
    return this.own(roomId, interviewerId, interviewerName);
  }

  async amend(roomId: string, interviewerId: string, interviewerName: string, text: string): Promise<ScorecardWithRecommendation> {
    const card = await this.store.getScorecard(roomId, interviewerId);
    if (!card?.submittedAt) throw new HttpError('conflict', 'Amendments are for submitted scorecards; edit the draft instead.');
    await this.store.addAmendment(roomId, interviewerId, text, Date.now());
    return this.own(roomId, interviewerId, interviewerName);
  }

  /** Every interviewer's card, once the caller has submitted their own. */
  async panel(roomId: string, interviewerId: string): Promise<ScorecardWithRecommendation[]> {
    const own = await this.store.getScorecard(roomId, interviewerId);
    if (!own?.submittedAt) throw new HttpError('forbidden', "Submit your own scorecard first: the panel's cards stay hidden until then.");
    return (await this.store.listScorecards(roomId)).map((card) => this.withRecommendation(card));
  }

  /** All cards regardless of who asks (for the report, which interviewers request). */
  async all(roomId: string): Promise<ScorecardWithRecommendation[]> {
    return (await this.store.listScorecards(roomId)).map((card) => this.withRecommendation(card));
  }
}
