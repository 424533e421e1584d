import type { Request } from 'express';
import { ERROR_TEXT } from '../../shared/errors.ts';
import { roomIdSchema, type Role } from '../../shared/room.ts';
import type { RoomRecord } from '../persistence/store.ts';
import type { RoomService } from '../rooms/room-service.ts';
import { bearerToken } from './bearer.ts';
import { clientIp, type TrustProxy } from './client-ip.ts';
import { HttpError } from './http-error.ts';

export interface RoomAccess {
  room: RoomRecord;
  role: Role;
  /** Tells apart holders of different links of one role (co-interviewers). */
  holderId: string;
}

/** The room of `:roomId` and the role the Bearer token grants in it, or the right HTTP error. */
export async function requireRoomAccess(rooms: RoomService, req: Request, trustProxy: TrustProxy, needRole?: Role): Promise<RoomAccess> {
  const roomId = req.params.roomId as string;
  if (!roomIdSchema.safeParse(roomId).success) throw new HttpError('room_not_found', ERROR_TEXT.room_not_found);
  const auth = await rooms.authenticate(roomId, bearerToken(req), clientIp(req, trustProxy));
  if (!auth.ok) throw new HttpError(auth.errorId, ERROR_TEXT[auth.errorId]);
  if (needRole && auth.role !== needRole) throw new HttpError('forbidden', `Only the ${needRole} of this room can do this.`);
  return { room: auth.room, role: auth.role, holderId: auth.holderId };
}
