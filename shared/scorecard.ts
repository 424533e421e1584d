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
