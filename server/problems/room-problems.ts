// Using a problem in a room: recorded in the store, and its starter code inserted by the
// server into the problem's own buffer of the shared document (two clients seeding an empty
// buffer at once would duplicate it). Moving to the next problem never overwrites the last.
import type { CandidateProblem } from '../../shared/problem.ts';
import { YDOC, problemBuffer, type Language } from '../../shared/room.ts';
import { AppError } from '../errors/app-error.ts';
import type { Store } from '../persistence/store.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import type { LoadedProblem } from './load-problems.ts';
import { candidateView } from './problem-views.ts';

/**
 * A problem as the candidate of a room may read it: only one used in that room (the caller
 * has already checked the room is active). Whether an unused id exists in the bank is not
 * told either.
 */
export async function candidateRoomProblem(options: {
  store: Store;
  problems: Map<string, LoadedProblem>;
  roomId: string;
  problemId: string;
}): Promise<CandidateProblem> {
  const used = await options.store.listRoomProblems(options.roomId);
  const problem = used.includes(options.problemId) ? options.problems.get(options.problemId) : undefined;
  if (!problem) throw new AppError('forbidden', 'This problem is not part of your interview: a candidate link reads only the problems shown in its room.');
  return candidateView(problem);
}

export async function useProblemInRoom(options: { store: Store; registry: DocRegistry; roomId: string; problem: LoadedProblem }): Promise<void> {
  const { store, registry, roomId, problem } = options;
  const firstUse = await store.addRoomProblem(roomId, problem.meta.id, Date.now());
  const doc = await registry.reserve(roomId);
  try {
    doc.transactAsServer((ydoc) => {
      const meta = ydoc.getMap(YDOC.metaMap);
      const language = problem.meta.languages[0] as Language | undefined;
      if (firstUse && language) {
        const buffer = ydoc.getText(problemBuffer(problem.meta.id));
        if (buffer.length === 0) buffer.insert(0, problem.starters[language] ?? '');
      }
      meta.set(YDOC.metaActiveProblemKey, problem.meta.id);
      if (language) meta.set(YDOC.metaLanguageKey, language);
    });
    await doc.flushed();
  } finally {
    registry.cancelJoin(doc);
  }
}
