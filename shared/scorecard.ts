// The interview kit: scoring scale, competencies, red flags, the practical take-home and the
// hiring rule. Loaded from problems/_kit/kit.json and validated with this schema.
import { z } from 'zod';
import { COMPETENCIES } from './problem.ts';

export const kitSchema = z
  .object({
    scale: z
      .array(z.object({ score: z.number().int().min(1).max(4), label: z.string().min(2), meaning: z.string().min(10) }).strict())
      .length(4),
    competencies: z
      .array(z.object({ id: z.enum(COMPETENCIES), label: z.string().min(2), description: z.string().min(10) }).strict())
      .length(COMPETENCIES.length),
    redFlags: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), label: z.string().min(3), description: z.string().min(10) }).strict())
      .min(1),
    practical: z
      .object({
        title: z.string().min(3),
        hours: z.number().positive(),
        brief: z.string().min(50),
        criteria: z
          .array(
            z
              .object({ id: z.string().regex(/^[a-z0-9-]+$/), label: z.string().min(3), weight: z.number().positive(), description: z.string().min(10) })
              .strict(),
          )
          .min(2)
          .refine((criteria) => Math.abs(criteria.reduce((sum, c) => sum + c.weight, 0) - 100) < 1e-9, 'criteria weights must add up to 100'),
      })
      .strict(),
    hiringRule: z.object({ minimumMean: z.number().min(1).max(4) }).strict(),
    /** Default composition of an interview plan. */
    plan: z
      .object({
        minutes: z.number().int().positive(),
        technical: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
        behavioral: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
        roleFit: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
      })
      .strict(),
  })
  .strict();
export type InterviewKit = z.infer<typeof kitSchema>;

/** What a note points at, so the report can show the evidence behind a score. */
export const evidenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('moment'), at: z.iso.datetime() }).strict(),
  z
    .object({
      kind: z.literal('code'),
      buffer: z.string().max(120),
      fromLine: z.number().int().min(1),
      toLine: z.number().int().min(1),
      excerpt: z.string().max(4000),
    })
    .strict(),
  z.object({ kind: z.literal('run'), runId: z.string().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('whiteboard'), elementId: z.string().min(1).max(100) }).strict(),
]);
export type Evidence = z.infer<typeof evidenceSchema>;

export const noteSchema = z
  .object({
    id: z.string().min(1).max(64),
    /** The question it is about, or null for general notes. */
    problemId: z.string().max(100).nullable(),
    text: z.string().max(20_000),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    evidence: evidenceSchema.optional(),
  })
  .strict();
export type Note = z.infer<typeof noteSchema>;

export const PRACTICAL_STATUSES = ['pending', 'passed', 'failed'] as const;
export type PracticalStatus = (typeof PRACTICAL_STATUSES)[number];

const oneToFour = z.number().int().min(1).max(4);

/** One interviewer's scorecard while it is a draft (PUT body). */
export const scorecardDraftSchema = z
  .object({
    /** 1-4 per question asked, keyed by problem id. */
    scores: z.record(z.string().max(100), oneToFour).default({}),
    competencies: z.partialRecord(z.enum(COMPETENCIES), oneToFour).default({}),
    redFlags: z.array(z.string().max(100)).max(50).default([]),
    practical: z
      .object({
        status: z.enum(PRACTICAL_STATUSES).default('pending'),
        /** 0-100 per criterion of the kit's practical. */
        criteria: z.record(z.string().max(100), z.number().min(0).max(100)).default({}),
      })
      .strict()
      .default({ status: 'pending', criteria: {} }),
    notes: z.array(noteSchema).max(1000).default([]),
    /** The interviewer's own call when it differs from the computed recommendation. */
    override: z
      .object({ verdict: z.enum(['hire', 'no-hire']), justification: z.string().trim().min(10).max(5000) })
      .strict()
      .optional(),
  })
  .strict();
export type ScorecardDraft = z.infer<typeof scorecardDraftSchema>;

export const amendmentSchema = z.object({ text: z.string().trim().min(3).max(5000) }).strict();

export interface Scorecard {
  interviewerId: string;
  interviewerName: string;
  draft: ScorecardDraft;
  submittedAt: string | null;
  updatedAt: string;
  amendments: { at: string; text: string }[];
}

export type Verdict = 'hire' | 'no-hire' | 'pending-practical' | 'incomplete';

export interface Recommendation {
  verdict: Verdict;
  /** Mean of every scored answer across the three categories (null when nothing is scored). */
  mean: number | null;
  categoryMeans: Record<'technical' | 'behavioral' | 'role-fit', number | null>;
  reasons: string[];
  /** The interviewer's decision: the override when given, else the computed verdict. */
  decision: Verdict;
}

/** One line saying what a note is pinned to; `time` formats the moment (ISO by default). */
export function describeEvidence(evidence: Evidence | undefined, time: (iso: string) => string = (iso) => iso): string {
  if (!evidence) return '';
  switch (evidence.kind) {
    case 'moment':
      return `at ${time(evidence.at)}`;
    case 'code':
      return `code ${evidence.buffer} lines ${evidence.fromLine}-${evidence.toLine}`;
    case 'run':
      return `run ${evidence.runId}`;
    case 'whiteboard':
      return `whiteboard element ${evidence.elementId}`;
  }
}
