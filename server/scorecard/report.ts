// The interview report: problems used, final code, runs, and the interviewers' scorecards with
// the recommendation. JSON is the source; Markdown and HTML are renderings of it.
import { YDOC, type RoomInfo } from '../../shared/room.ts';
import type { RunResult } from '../../shared/run.ts';
import type { InterviewKit } from '../../shared/scorecard.ts';
import type { Store } from '../persistence/store.ts';
import type { LoadedProblem } from '../problems/load-problems.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import type { ScorecardWithRecommendation } from './scorecard-service.ts';

export interface InterviewReport {
  generatedAt: string;
  room: RoomInfo;
  problems: { id: string; title: string; kind: string; difficulty: string }[];
  code: { buffer: string; problemId: string | null; text: string }[];
  runs: RunResult[];
  whiteboardSvg: string | null;
  scorecards: ScorecardWithRecommendation[];
  scale: InterviewKit['scale'];
}

/** Every code buffer of the room's document, as it is now. */
async function finalCode(registry: DocRegistry, roomId: string): Promise<InterviewReport['code']> {
  const doc = await registry.reserve(roomId);
  try {
    return [...doc.doc.share.keys()]
      .filter((name) => name === YDOC.codeText || name.startsWith(`${YDOC.codeText}:`))
      .map((name) => ({
        buffer: name,
        problemId: name === YDOC.codeText ? null : name.slice(YDOC.codeText.length + 1),
        text: doc.doc.getText(name).toString(),
      }))
      .filter((buffer) => buffer.text.trim() !== '');
  } finally {
    registry.cancelJoin(doc);
  }
}

export async function buildReport(options: {
  room: RoomInfo;
  store: Store;
  registry: DocRegistry;
  problems: Map<string, LoadedProblem>;
  kit: InterviewKit;
  scorecards: ScorecardWithRecommendation[];
}): Promise<InterviewReport> {
  const used = (await options.store.listRoomProblems(options.room.roomId)).flatMap((id) => options.problems.get(id) ?? []);
  return {
    generatedAt: new Date().toISOString(),
    room: options.room,
    problems: used.map((p) => ({ id: p.meta.id, title: p.meta.title, kind: p.meta.kind, difficulty: p.meta.difficulty })),
    code: await finalCode(options.registry, options.room.roomId),
    runs: (await options.store.listRunResults(options.room.roomId)).map(({ images: _images, ...run }) => run),
    whiteboardSvg: (await options.store.getWhiteboardSvg(options.room.roomId)) ?? null,
    scorecards: options.scorecards,
    scale: options.kit.scale,
  };
}
