// The problem bank over HTTP. Views are chosen by the role the token proves, on the server.
// The bank is the interviewers': a candidate link reads only the problems used in its own
// room, and only while that room is active (an ended room answers room_ended).
import express, { Router } from 'express';
import { z } from 'zod';
import { ERROR_TEXT } from '../../shared/errors.ts';
import { problemIdSchema } from '../../shared/problem.ts';
import type { Config } from '../config.ts';
import type { Store } from '../persistence/store.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import { candidateView, interviewerView, problemSummary } from '../problems/problem-views.ts';
import { candidateRoomProblem, useProblemInRoom } from '../problems/room-problems.ts';
import type { RoomService } from '../rooms/room-service.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import { bearerToken, constantTimeEquals } from './bearer.ts';
import { clientIp } from './client-ip.ts';
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

  type Caller = { role: 'interviewer' } | { role: 'candidate'; roomId: string };

  /**
   * An interviewer's room token or the room-creation key reads the whole bank; a candidate's
   * token is checked like a login (failures count per IP, an ended room is room_ended).
   */
  async function caller(req: express.Request): Promise<Caller> {
    const token = bearerToken(req);
    if (!token) throw new HttpError('unauthorized', 'Send "Authorization: Bearer <room token>".');
    if (config.ROOM_CREATE_KEY && constantTimeEquals(token, config.ROOM_CREATE_KEY)) return { role: 'interviewer' };
    const auth = await rooms.authenticateToken(token, clientIp(req, config.TRUST_PROXY));
    if (!auth.ok) throw new HttpError(auth.errorId, ERROR_TEXT[auth.errorId]);
    return auth.role === 'interviewer' ? { role: 'interviewer' } : { role: 'candidate', roomId: auth.room.id };
  }

  const find = (id: string): LoadedProblem => {
    const problem = problems.get(id);
    if (!problem) throw new HttpError('not_found', `No problem "${id}" is available on this server.`);
    return problem;
  };

  router.get('/api/problems', async (req, res) => {
    if ((await caller(req)).role !== 'interviewer') {
      throw new HttpError('forbidden', 'The problem bank is for interviewers; a candidate link shows only the problems of its own interview.');
    }
    res.json({ problems: [...problems.values()].map(problemSummary) });
  });

  router.get('/api/problems/:id', async (req, res) => {
    const who = await caller(req);
    const problemId = req.params.id as string;
    if (who.role === 'interviewer') return void res.json(interviewerView(find(problemId)));
    res.json(await candidateRoomProblem({ store, problems, roomId: who.roomId, problemId }));
  });

  /** One problem of this room, as the token's role may see it (what the room page shows). */
  router.get('/api/rooms/:roomId/problems/:id', async (req, res) => {
    const { room, role } = await requireRoomAccess(rooms, req, config.TRUST_PROXY);
    const problemId = req.params.id as string;
    if (role === 'interviewer') return void res.json(interviewerView(find(problemId)));
    res.json(await candidateRoomProblem({ store, problems, roomId: room.id, problemId }));
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
