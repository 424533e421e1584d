// Typed calls to the REST API. Errors carry the server's stable id for the UI to word.
import { ERROR_TEXT, type ErrorBody, type ErrorId } from '../../shared/errors.ts';
import type { CreateRoomBody, CreateRoomResponse, RoomInfo } from '../../shared/room.ts';
import type { RunRequest, RunResult } from '../../shared/run.ts';

export class ApiError extends Error {
  constructor(
    readonly id: ErrorId | 'network',
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError('network', 'The server cannot be reached. Check your connection.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    const id = error?.id ?? 'internal';
    throw new ApiError(id, error?.message ?? ERROR_TEXT[id] ?? `HTTP ${response.status}`);
  }
  return body as T;
}

export const api = {
  createRoom: (body: CreateRoomBody, createKey?: string) =>
    request<CreateRoomResponse>('/api/rooms', { method: 'POST', body: JSON.stringify(body), token: createKey }),
  getRoom: (roomId: string, token: string) => request<RoomInfo>(`/api/rooms/${encodeURIComponent(roomId)}`, { token }),
  run: (roomId: string, token: string, name: string, body: RunRequest) =>
    request<RunResult>(`/api/rooms/${encodeURIComponent(roomId)}/runs`, {
      method: 'POST',
      token,
      body: JSON.stringify(body),
      // Header values must be Latin-1; names are encoded so any script survives.
      headers: { 'X-Display-Name': encodeURIComponent(name) },
    }),
};
