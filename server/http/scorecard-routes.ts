// Interviewer-only routes: scorecard, panel, links, ending the interview. A candidate token
// gets 403 from every one of them, whatever the UI shows.
import express, { Router } from 'express';
import { roomPath } from '../../shared/room.ts';
import { amendmentSchema, scorecardDraftSchema } from '../../shared/scorecard.ts';
import type { Config } from '../config.ts';
import type { ProblemBank } from '../problems/load-problems.ts';
import type { RoomService } from '../rooms/room-service.ts';
import type { ScorecardService } from '../scorecard/scorecard-service.ts';
import { displayName } from './display-name.ts';
import { parseBody, requireJsonBody } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

export function scorecardRouter(options: {
  rooms: RoomService;
  scorecards: ScorecardService;
  bank: ProblemBank;
  config: Config;
  /** Closes the candidate's live connections (link replaced or interview ended). */
  onEnded: (roomId: string) => void;
  /** Makes the room's document read-only for everyone still connected. */
  onFrozen: (roomId: string) => void;
}): Router {
  const { rooms, scorecards, bank, config } = options;
  const router = Router();
  const json = express.json({ limit: Math.max(config.JSON_BODY_LIMIT_BYTES, 1024 * 1024) });
  const interviewer = (req: express.Request) => requireRoomAccess(rooms, req, config.TRUST_PROXY, 'interviewer');
  const link = (path: string) => (config.PUBLIC_URL ? `${config.PUBLIC_URL}${path}` : path);

  router.get('/api/rooms/:roomId/scorecard', async (req, res) => {
    const { room, holderId } = await interviewer(req);
    res.json({ scorecard: await scorecards.own(room.id, holderId, displayName(req, 'interviewer')), kit: bank.kit });
  });

  router.put('/api/rooms/:roomId/scorecard', requireJsonBody, json, async (req, res) => {
    const { room, holderId } = await interviewer(req);
    const draft = parseBody(scorecardDraftSchema, req.body);
    res.json({ scorecard: await scorecards.save(room.id, holderId, displayName(req, 'interviewer'), draft) });
  });

  router.post('/api/rooms/:roomId/scorecard/submit', async (req, res) => {
    const { room, holderId } = await interviewer(req);
    res.json({ scorecard: await scorecards.submit(room.id, holderId, displayName(req, 'interviewer')) });
  });

  router.post('/api/rooms/:roomId/scorecard/amendments', requireJsonBody, json, async (req, res) => {
    const { room, holderId } = await interviewer(req);
    const { text } = parseBody(amendmentSchema, req.body);
    res.status(201).json({ scorecard: await scorecards.amend(room.id, holderId, displayName(req, 'interviewer'), text) });
  });

  router.get('/api/rooms/:roomId/scorecards', async (req, res) => {
    const { room, holderId } = await interviewer(req);
    res.json({ scorecards: await scorecards.panel(room.id, holderId) });
  });

  router.post('/api/rooms/:roomId/interviewers', async (req, res) => {
    const { room } = await interviewer(req);
    const token = await rooms.issueToken(room.id, 'interviewer');
    res.status(201).json({ interviewerToken: token, interviewerUrl: link(roomPath(room.id, token)) });
  });

  router.post('/api/rooms/:roomId/candidate-link', async (req, res) => {
    const { room } = await interviewer(req);
    const token = await rooms.issueToken(room.id, 'candidate');
    options.onEnded(room.id); // whoever holds the old link is disconnected
    res.status(201).json({ candidateToken: token, candidateUrl: link(roomPath(room.id, token)) });
  });

  router.post('/api/rooms/:roomId/end', async (req, res) => {
    const { room } = await interviewer(req);
    await rooms.end(room.id);
    options.onEnded(room.id);
    options.onFrozen(room.id);
    res.json({ endedAt: new Date().toISOString() });
  });

  return router;
}
