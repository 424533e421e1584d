// Typed calls to the REST API. Errors carry the server's stable id for the UI to word.
import { ERROR_TEXT, type ErrorBody, type ErrorId } from '../../shared/errors.ts';
import type { CreateRoomBody, CreateRoomResponse, RoomInfo } from '../../shared/room.ts';
import type { CandidateProblem, InterviewerProblem, ProblemSummary } from '../../shared/problem.ts';
import type { GradedRunCount, RunRequest, RunResult } from '../../shared/run.ts';
import type { InterviewKit, Recommendation, Scorecard, ScorecardDraft } from '../../shared/scorecard.ts';

export type ScorecardView = Scorecard & { recommendation: Recommendation };

export class ApiError extends Error {
  constructor(
    readonly id: ErrorId | 'network',
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await send(path, init);
  return (await response.json()) as T;
}

/** Sends a request and throws ApiError for anything but 2xx. */
async function send(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError('network', 'The server cannot be reached. Check your connection.');
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    const id = error?.id ?? 'internal';
    throw new ApiError(id, error?.message ?? ERROR_TEXT[id] ?? `HTTP ${response.status}`);
  }
  return response;
}

const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;
const named = (name: string) => ({ 'X-Display-Name': encodeURIComponent(name) });

export const api = {
  createRoom: (body: CreateRoomBody, createKey?: string) =>
    request<CreateRoomResponse>('/api/rooms', { method: 'POST', body: JSON.stringify(body), token: createKey }),
  getRoom: (roomId: string, token: string) => request<RoomInfo>(`/api/rooms/${encodeURIComponent(roomId)}`, { token }),
  // Header values must be Latin-1; names are URI-encoded so any script survives.
  run: (roomId: string, token: string, name: string, body: RunRequest) =>
    request<RunResult>(`${room(roomId)}/runs`, { method: 'POST', token, body: JSON.stringify(body), headers: named(name) }),
  /** Interviewers only: the room's graded runs so far. */
  gradedRunCount: (roomId: string, token: string) =>
    request<{ gradedRuns: GradedRunCount }>(`${room(roomId)}/runs/graded-count`, { token }),
  listProblems: (token: string) => request<{ problems: ProblemSummary[] }>('/api/problems', { token }),
  getProblem: <T extends CandidateProblem = CandidateProblem>(id: string, token: string) =>
    request<T>(`/api/problems/${encodeURIComponent(id)}`, { token }),
  roomProblems: <T extends CandidateProblem = CandidateProblem>(roomId: string, token: string) =>
    request<{ problems: T[] }>(`${room(roomId)}/problems`, { token }),
  /** One problem used in the room; what a candidate may read (the bank itself is interviewers'). */
  roomProblem: <T extends CandidateProblem = CandidateProblem>(roomId: string, id: string, token: string) =>
    request<T>(`${room(roomId)}/problems/${encodeURIComponent(id)}`, { token }),
  useProblem: (roomId: string, token: string, problemId: string) =>
    request<InterviewerProblem>(`${room(roomId)}/problems`, { method: 'POST', token, body: JSON.stringify({ problemId }) }),
  getScorecard: (roomId: string, token: string, name: string) =>
    request<{ scorecard: ScorecardView; kit: InterviewKit }>(`${room(roomId)}/scorecard`, { token, headers: named(name) }),
  saveScorecard: (roomId: string, token: string, name: string, draft: ScorecardDraft) =>
    request<{ scorecard: ScorecardView }>(`${room(roomId)}/scorecard`, { method: 'PUT', token, body: JSON.stringify(draft), headers: named(name) }),
  submitScorecard: (roomId: string, token: string, name: string) =>
    request<{ scorecard: ScorecardView }>(`${room(roomId)}/scorecard/submit`, { method: 'POST', token, headers: named(name) }),
  amendScorecard: (roomId: string, token: string, name: string, text: string) =>
    request<{ scorecard: ScorecardView }>(`${room(roomId)}/scorecard/amendments`, { method: 'POST', token, body: JSON.stringify({ text }), headers: named(name) }),
  panelScorecards: (roomId: string, token: string) => request<{ scorecards: ScorecardView[] }>(`${room(roomId)}/scorecards`, { token }),
  addInterviewer: (roomId: string, token: string) =>
    request<{ interviewerToken: string; interviewerUrl: string }>(`${room(roomId)}/interviewers`, { method: 'POST', token }),
  reissueCandidateLink: (roomId: string, token: string) =>
    request<{ candidateToken: string; candidateUrl: string }>(`${room(roomId)}/candidate-link`, { method: 'POST', token }),
  deleteRoom: async (roomId: string, token: string) => void (await send(room(roomId), { method: 'DELETE', token })),
  endInterview: (roomId: string, token: string) => request<{ endedAt: string }>(`${room(roomId)}/end`, { method: 'POST', token }),
  saveWhiteboardSvg: async (roomId: string, token: string, svg: string) =>
    void (await send(`${room(roomId)}/whiteboard.svg`, { method: 'PUT', token, body: svg, headers: { 'Content-Type': 'image/svg+xml' } })),
  /** The report as a file: fetched with the Bearer header, never a token in a URL. */
  downloadReport: async (roomId: string, token: string, format: 'md' | 'html' | 'json') =>
    (await send(`${room(roomId)}/report?format=${format}`, { token })).blob(),
};
