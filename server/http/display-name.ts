import type { Request } from 'express';
import { z } from 'zod';
import { DISPLAY_NAME_MAX_CHARS, type Role } from '../../shared/room.ts';

/** Header naming the person behind a request, URI-encoded (headers are Latin-1); the token proves the role. */
export const DISPLAY_NAME_HEADER = 'x-display-name';
const nameSchema = z.string().trim().min(1).max(DISPLAY_NAME_MAX_CHARS);

export function displayName(req: Request, role: Role): string {
  const raw = req.headers[DISPLAY_NAME_HEADER];
  let decoded: string | undefined;
  try {
    decoded = typeof raw === 'string' ? decodeURIComponent(raw) : undefined;
  } catch {
    decoded = undefined;
  }
  const parsed = nameSchema.safeParse(decoded);
  return parsed.success ? parsed.data : role === 'interviewer' ? 'Interviewer' : 'Candidate';
}
