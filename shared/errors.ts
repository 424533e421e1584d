// Stable error ids and WebSocket close codes. The server sends { error: { id, message } };
// clients map ids to words. Ids never change meaning once released.

export const ERROR_IDS = [
  'bad_request',
  'body_too_large',
  'unauthorized',
  'forbidden',
  'room_not_found',
  'room_ended',
  'conflict',
  'not_found',
  'rate_limited',
  'limit_reached',
  'unavailable',
  'internal',
  'connection_replaced',
] as const;
export type ErrorId = (typeof ERROR_IDS)[number];

export interface ErrorBody {
  error: { id: ErrorId; message: string };
}

export const HTTP_STATUS_BY_ERROR: Record<ErrorId, number> = {
  bad_request: 400,
  body_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  room_not_found: 404,
  room_ended: 403,
  conflict: 409,
  not_found: 404,
  rate_limited: 429,
  limit_reached: 413,
  unavailable: 503,
  internal: 500,
  connection_replaced: 409,
};

/** Close codes of the /yjs WebSocket (4000-4999 is the application range). */
export const WS_CLOSE = {
  /** A frame that is not a valid y-websocket message; the room is unaffected. */
  invalidMessage: 4400,
  /** The server is shutting down; reconnect. */
  serverShutdown: 1001,
  /** Missed pings. */
  timeout: 4408,
  /** The interview ended or this link was replaced. */
  accessRevoked: 4403,
  /** The room was deleted (on request or after the retention period). */
  roomDeleted: 4410,
  /** The same link opened more than CONNECTIONS_PER_TOKEN connections; this was the oldest. Do not redial. */
  replacedByNewerConnection: 4409,
  /**
   * A change this connection sent was refused (not allowed for its role, or not a valid
   * document): nothing of it was stored or relayed. The client drops its local copy (memory
   * and IndexedDB) and syncs afresh, or it would resend the refused change for ever.
   */
  updateRefused: 4422,
  /** A message went past a size limit (document, history, cursor state); as updateRefused. */
  limitExceeded: 4413,
} as const;

/** Close codes after which an honest client must drop its local document and sync again. */
export const WS_CLOSE_RESYNC: readonly number[] = [WS_CLOSE.updateRefused, WS_CLOSE.limitExceeded];

/** Words a person understands, for the client. */
export const ERROR_TEXT: Record<ErrorId, string> = {
  bad_request: 'The request was not valid.',
  body_too_large: 'The request was too large.',
  unauthorized: 'This link is not valid for this room. Ask the interviewer for a new link.',
  forbidden: 'You do not have access to this part of the room.',
  room_not_found: 'This room does not exist (it may have been deleted).',
  room_ended: 'This interview has ended, so this link no longer opens the room.',
  conflict: 'This was already done and cannot be changed.',
  not_found: 'Not found.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  limit_reached: 'This room reached one of its size limits.',
  unavailable: 'This feature is not available on this server right now.',
  internal: 'Something went wrong on the server. Try again.',
  connection_replaced: 'This link was opened in more windows or tabs than the server allows at once, so this older one was closed. Carry on in the newest one.',
};
