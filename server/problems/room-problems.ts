// Using a problem in a room: recorded in the store, and its starter code inserted by the
// server into the problem's own buffer of the shared document (two clients seeding an empty
// buffer at once would duplicate it). Moving to the next problem never overwrites the last.
import { YDOC, problemBuffer, type Language } from '../../shared/room.ts';
import type { Store } from '../persistence/store.ts';
import type { DocRegistry } from '../yjs/doc-registry.ts';
import type { LoadedProblem } from './load-problems.ts';


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
