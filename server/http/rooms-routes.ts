import express, { Router } from 'express';
import { createRoomBodySchema, roomPath, type CreateRoomResponse } from '../../shared/room.ts';
import type { Config } from '../config.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { bearerToken, constantTimeEquals } from './bearer.ts';
import { HttpError, parseBody, requireJsonBody } from './http-error.ts';
import { requireRoomAccess } from './room-access.ts';

export function roomsRouter(rooms: RoomService, config: Config, evict: (roomId: string) => void): Router {
  const router = Router();
  const json = express.json({ limit: config.JSON_BODY_LIMIT_BYTES });
  const link = (path: string) => (config.PUBLIC_URL ? `${config.PUBLIC_URL}${path}` : path);

  router.post('/api/rooms', requireJsonBody, json, async (req, res) => {
    if (config.ROOM_CREATE_KEY) {
      const key = bearerToken(req);
      if (!key || !constantTimeEquals(key, config.ROOM_CREATE_KEY)) {
        throw new HttpError('unauthorized', 'Creating rooms on this server needs "Authorization: Bearer <ROOM_CREATE_KEY>".');
      }
    }
    const body = parseBody(createRoomBodySchema, req.body);
    const created = await rooms.create(body);
    const response: CreateRoomResponse = {
      roomId: created.room.id,
      interviewerToken: created.interviewerToken,
      candidateToken: created.candidateToken,
      interviewerUrl: link(roomPath(created.room.id, created.interviewerToken)),
      candidateUrl: link(roomPath(created.room.id, created.candidateToken)),
    };
    res.status(201).json(response);
  });

  router.get('/api/rooms/:roomId', async (req, res) => {
    const { room, role } = await requireRoomAccess(rooms, req, config.TRUST_PROXY);
    res.json(rooms.info(room, role));
  });

  /** Deletes the room and all its data now (interviewer only): rooms hold personal data. */
  router.delete('/api/rooms/:roomId', async (req, res) => {
    const { room } = await requireRoomAccess(rooms, req, config.TRUST_PROXY, 'interviewer');
    evict(room.id);
    await rooms.delete(room.id);
    res.status(204).end();
  });

  return router;
}
