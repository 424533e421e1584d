import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Store } from '../persistence/store.ts';
import type { ProblemBank } from '../problems/load-problems.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { buildReport } from '../scorecard/report.ts';
import { reportHtml, reportMarkdown } from '../scorecard/report-render.ts';
import type { ScorecardService } from '../scorecard/scorecard-service.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import { bearerToken, constantTimeEquals } from './bearer.ts';
import { HttpError } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

const formatSchema = z.enum(['json', 'md', 'html']).default('json');
/** Fonts are inlined, so a rendering is large; this still bounds what a client can store. */
const WHITEBOARD_SVG_MAX_BYTES = 8 * 1024 * 1024;

export function reportRouter(options: {
  rooms: RoomService;
  scorecards: ScorecardService;
  store: Store;
  registry: DocRegistry;
  bank: ProblemBank;
  config: Config;
}): Router {
  const { rooms, scorecards, config } = options;
  const router = Router();

  /** Interviewer only. The panel's other cards are included once the caller submitted their own. */
  router.get('/api/rooms/:roomId/report', async (req, res) => {
    const { room, holderId } = await requireRoomAccess(rooms, req, config.TRUST_PROXY, 'interviewer');
    const format = formatSchema.safeParse(req.query.format ?? undefined);
    if (!format.success) throw new HttpError('bad_request', 'format must be json, md or html.');
    const own = await scorecards.own(room.id, holderId, 'Interviewer');
    const cards = own.submittedAt ? await scorecards.panel(room.id, holderId) : (await scorecards.all(room.id)).filter((c) => c.interviewerId === holderId);
    const report = await buildReport({
      room: rooms.info(room, 'interviewer'),
      store: options.store,
      registry: options.registry,
      problems: options.bank.problems,
      kit: options.bank.kit,
      scorecards: cards,
    });
    const filename = `interview-${room.id}`;
    if (format.data === 'md') {
      res.type('text/markdown').setHeader('Content-Disposition', `attachment; filename="${filename}.md"`).send(reportMarkdown(report));
    } else if (format.data === 'html') {
      res.type('html').send(reportHtml(report));
    } else {
      res.json(report);
    }
  });

  /**
   * The whiteboard's rendering for the report, made by an interviewer's browser (the export
   * needs a DOM). It is shown in the report as an <img>, so scripts in it never run.
   */
  router.put(
    '/api/rooms/:roomId/whiteboard.svg',
    express.text({ type: 'image/svg+xml', limit: WHITEBOARD_SVG_MAX_BYTES }),
    async (req, res) => {
      const { room } = await requireRoomAccess(rooms, req, config.TRUST_PROXY, 'interviewer');
      const svg: unknown = req.body;
      if (typeof svg !== 'string' || !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg)) {
        throw new HttpError('bad_request', 'Send the board as an SVG document with "Content-Type: image/svg+xml".');
      }
      await options.store.saveWhiteboardSvg(room.id, svg, Date.now());
      res.status(204).end();
    },
  );

  /** The rooms on this server, for whoever holds ROOM_CREATE_KEY. */
  router.get('/api/rooms', async (req, res) => {
    const key = bearerToken(req);
    if (!config.ROOM_CREATE_KEY) {
      throw new HttpError('forbidden', 'Listing rooms needs ROOM_CREATE_KEY to be set on the server; this browser lists the rooms it created.');
    }
    if (!key || !constantTimeEquals(key, config.ROOM_CREATE_KEY)) throw new HttpError('unauthorized', 'Send "Authorization: Bearer <ROOM_CREATE_KEY>".');
    res.json({ rooms: (await rooms.listRooms()).map((room) => rooms.info(room, 'interviewer')) });
  });

  return router;
}
