import express, { Router } from 'express';
import { RUN_CODE_MAX_BYTES, runRequestSchema } from '../../shared/run.ts';
import type { Config } from '../config.ts';
import { forCandidate } from '../grading/redact.ts';
import type { Store } from '../persistence/store.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import type { RoomService } from '../rooms/room-service.ts';
import type { RunService } from '../runs/run-service.ts';
import type { SandboxAvailability } from '../sandbox/sandbox-runner.ts';
import { displayName } from './display-name.ts';
import { HttpError, parseBody, requireJsonBody } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

export function runsRouter(options: {
  rooms: RoomService;
  runs: RunService;
  sandbox: Promise<SandboxAvailability>;
  problems: Map<string, LoadedProblem>;
  store: Store;
  config: Config;
}): Router {
  const router = Router();
  // JSON escaping can double the size of code, so the body limit sits above the code limit;
  // the code itself is measured below and refused with 413 past RUN_CODE_MAX_BYTES.
  const json = express.json({ limit: RUN_CODE_MAX_BYTES * 4 });

  router.post('/api/rooms/:roomId/runs', requireJsonBody, json, async (req, res) => {
    const { room, role } = await requireRoomAccess(options.rooms, req, options.config.TRUST_PROXY);
    const roomId = room.id;
    const code: unknown = (req.body as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && Buffer.byteLength(code) > RUN_CODE_MAX_BYTES) {
      throw new HttpError('body_too_large', `The code is larger than ${RUN_CODE_MAX_BYTES / 1024} KB.`);
    }
    const body = parseBody(runRequestSchema, req.body);
    const problem = body.problemId === undefined ? undefined : options.problems.get(body.problemId);
    if (body.problemId !== undefined) {
      if (!problem) throw new HttpError('not_found', `No problem "${body.problemId}" is available on this server.`);
      if (role === 'candidate' && !(await options.store.listRoomProblems(roomId)).includes(problem.meta.id)) {
        throw new HttpError('forbidden', `Problem "${problem.meta.id}" has not been used in this room.`);
      }
      if (problem.tests && !problem.meta.languages.includes(body.language)) {
        throw new HttpError('bad_request', `Problem "${problem.meta.id}" is graded in ${problem.meta.languages.join(', ')}, not ${body.language}.`);
      }
    }
    const sandbox = await options.sandbox;
    if (!sandbox.ok && body.language !== 'sql') throw new HttpError('unavailable', sandbox.message);
    const startedBy = { name: displayName(req, role), role };
    const result = await options.runs.submit(roomId, body, startedBy, problem);
    res.json(role === 'candidate' ? forCandidate(result) : result);
  });

  // How many graded runs the room has had: shown to interviewers, since each of the
  // candidate's can probe a pass/fail bit per hidden case.
  router.get('/api/rooms/:roomId/runs/graded-count', async (req, res) => {
    const { room } = await requireRoomAccess(options.rooms, req, options.config.TRUST_PROXY, 'interviewer');
    res.json({ gradedRuns: await options.runs.gradedRunCount(room.id) });
  });

  return router;
}
