// The problem bank over HTTP. Views are chosen by the role the token proves, on the server.
import express, { Router } from 'express';
import { z } from 'zod';
import { problemIdSchema } from '../../shared/problem.ts';
import type { Config } from '../config.ts';
import type { Store } from '../persistence/store.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { candidateView, interviewerView, problemSummary } from '../problems/problem-views.ts';
import { useProblemInRoom } from '../problems/room-problems.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { hashToken } from '../rooms/tokens.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import { bearerToken, constantTimeEquals } from './bearer.ts';
import { HttpError, parseBody, requireJsonBody } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

const useProblemBodySchema = z.object({ problemId: problemIdSchema }).strict();

export function problemsRouter(options: {
  problems: Map<string, LoadedProblem>;
  rooms: RoomService;
  store: Store;
  registry: DocRegistry;
  config: Config;
}): Router {
  const { problems, rooms, store, registry, config } = options;
  const router = Router();
  const json = express.json({ limit: config.JSON_BODY_LIMIT_BYTES });

  /** Any room token, or the room-creation key, may browse the bank: interviewers as interviewers. */
  async function callerRole(req: express.Request): Promise<'interviewer' | 'candidate'> {
    const token = bearerToken(req);
    if (!token) throw new HttpError('unauthorized', 'Send "Authorization: Bearer <room token>".');
    if (config.ROOM_CREATE_KEY && constantTimeEquals(token, config.ROOM_CREATE_KEY)) return 'interviewer';
    const found = await store.findToken(hashToken(token));
    if (!found) throw new HttpError('unauthorized', 'This token is not valid on this server.');
    return found.role;
  }

  const find = (id: string): LoadedProblem => {
    const problem = problems.get(id);
    if (!problem) throw new HttpError('not_found', `No problem "${id}" is available on this server.`);
    return problem;
  };

  router.get('/api/problems', async (req, res) => {
    await callerRole(req);
    res.json({ problems: [...problems.values()].map(problemSummary) });
  });

  router.get('/api/problems/:id', async (req, res) => {
    const role = await callerRole(req);
    const problem = find(req.params.id as string);
    res.json(role === 'interviewer' ? interviewerView(problem) : candidateView(problem));
  });

  router.get('/api/rooms/:roomId/problems', async (req, res) => {
    const { room, role } = await requireRoomAccess(rooms, req, config.TRUST_PROXY);
    const used = (await store.listRoomProblems(room.id)).flatMap((id) => problems.get(id) ?? []);
    res.json({ problems: used.map((p) => (role === 'interviewer' ? interviewerView(p) : candidateView(p))) });
  });

  router.post('/api/rooms/:roomId/problems', requireJsonBody, json, async (req, res) => {
    const { room } = await requireRoomAccess(rooms, req, config.TRUST_PROXY, 'interviewer');
    const { problemId } = parseBody(useProblemBodySchema, req.body);
    const problem = find(problemId);
    await useProblemInRoom({ store, registry, roomId: room.id, problem });
    res.status(201).json(interviewerView(problem));
  });

  return router;
}
