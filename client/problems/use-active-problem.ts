// The problem on screen: its id lives in the shared document (set by the server when an
// interviewer uses it); its content is fetched through the room with this person's own token,
// so the server decides what each role receives.
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { CandidateProblem } from '../../shared/problem.ts';
import { YDOC } from '../../shared/room.ts';
import { api } from '../net/api.ts';

export function useActiveProblemId(doc: Y.Doc): string | undefined {
  const meta = doc.getMap(YDOC.metaMap);
  const read = () => {
    const value = meta.get(YDOC.metaActiveProblemKey);
    return typeof value === 'string' ? value : undefined;
  };
  const [id, setId] = useState(read);
  useEffect(() => {
    const update = () => setId(read());
    meta.observe(update);
    update();
    return () => meta.unobserve(update);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meta]);
  return id;
}

/** Read through the room, so a candidate asks only for what its link may read. */
export function useProblem(roomId: string, id: string | undefined, token: string): CandidateProblem | undefined {
  const [problem, setProblem] = useState<CandidateProblem>();
  useEffect(() => {
    if (!id) return setProblem(undefined);
    let current = true;
    api.roomProblem(roomId, id, token).then(
      (loaded) => current && setProblem(loaded),
      () => current && setProblem(undefined),
    );
    return () => {
      current = false;
    };
  }, [roomId, id, token]);
  return problem;
}
