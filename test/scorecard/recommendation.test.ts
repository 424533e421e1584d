// The kit's hiring rule on its edges: the 3.0 bar, red flags, the practical, missing categories.
import { describe, expect, test } from 'vitest';
import type { ProblemKind } from '../../shared/problem.ts';
import { recommend } from '../../shared/recommendation.ts';
import { scorecardDraftSchema, type ScorecardDraft } from '../../shared/scorecard.ts';

const KINDS: Record<string, ProblemKind> = {
  t1: 'coding',
  t2: 'ml-concepts',
  t3: 'system-design',
  b1: 'behavioral',
  b2: 'behavioral',
  r1: 'role-fit',
};
const kindOf = (id: string) => KINDS[id];
const draft = (overrides: Partial<ScorecardDraft>): ScorecardDraft => scorecardDraftSchema.parse({ ...overrides });
const passed = { status: 'passed' as const, criteria: {} };

describe('the hiring recommendation', () => {
  test('a mean of exactly 3.0 with the practical passed and no flag is a hire', () => {
    const r = recommend(draft({ scores: { t1: 3, t2: 4, b1: 2, r1: 3 }, practical: passed }), kindOf, 3.0);
    expect(r.mean).toBe(3);
    expect(r.verdict).toBe('hire');
    expect(r.decision).toBe('hire');
  });

  test('a mean just under 3.0 is not a hire', () => {
    // Six answers averaging 2.83, and a mean of 2.99 from 100 answers.
    const r = recommend(draft({ scores: { t1: 3, t2: 3, t3: 3, b1: 3, b2: 3, r1: 2 }, practical: passed }), kindOf, 3.0);
    expect(r.mean).toBeCloseTo(2.8333, 3);
    expect(r.verdict).toBe('no-hire');
    const many: Record<string, ProblemKind> = {};
    const hundred: Record<string, number> = {};
    for (let i = 0; i < 100; i += 1) {
      many[`q${i}`] = 'coding';
      hundred[`q${i}`] = i === 0 ? 2 : 3; // mean 2.99
    }
    const edge = recommend(draft({ scores: hundred, practical: passed }), (id) => many[id], 3.0);
    expect(edge.mean).toBeCloseTo(2.99, 10);
    expect(edge.verdict).toBe('no-hire');
  });

  test('the mean is over every scored answer, not the mean of category means', () => {
    // Technical 4,4,4 and behavioral 1: answer mean 3.25 (hire), category mean 2.5.
    const r = recommend(draft({ scores: { t1: 4, t2: 4, t3: 4, b1: 1 }, practical: passed }), kindOf, 3.0);
    expect(r.mean).toBe(3.25);
    expect(r.categoryMeans).toEqual({ technical: 4, behavioral: 1, 'role-fit': null });
    expect(r.verdict).toBe('hire');
  });

  test('one red flag turns a strong card into no hire', () => {
    const r = recommend(draft({ scores: { t1: 4, b1: 4, r1: 4 }, redFlags: ['any-flag'], practical: passed }), kindOf, 3.0);
    expect(r.verdict).toBe('no-hire');
    expect(r.reasons.join(' ')).toContain('1 red flag');
  });

  test('a failed practical is no hire; a pending one says so', () => {
    const failed = recommend(draft({ scores: { t1: 4, b1: 4 }, practical: { status: 'failed', criteria: {} } }), kindOf, 3.0);
    expect(failed.verdict).toBe('no-hire');
    const pending = recommend(draft({ scores: { t1: 4, b1: 4 } }), kindOf, 3.0);
    expect(pending.verdict).toBe('pending-practical');
    expect(pending.reasons.join(' ')).toContain('pending');
  });

  test('nothing scored is incomplete; an override decides with its justification', () => {
    expect(recommend(draft({}), kindOf, 3.0).verdict).toBe('incomplete');
    const overridden = recommend(
      draft({ scores: { t1: 2 }, practical: passed, override: { verdict: 'hire', justification: 'Nervous start, excellent system design later.' } }),
      kindOf,
      3.0,
    );
    expect(overridden.verdict).toBe('no-hire');
    expect(overridden.decision).toBe('hire');
    expect(overridden.reasons.at(-1)).toContain('excellent system design');
  });

  test('scores of unknown problems are ignored', () => {
    expect(recommend(draft({ scores: { gone: 1, t1: 4 }, practical: passed }), kindOf, 3.0).mean).toBe(4);
  });
});
