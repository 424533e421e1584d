// The problem on screen: its id lives in the shared document (set by the server when an
// interviewer uses it); its content is fetched with this person's own token, so the server
// decides what each role receives.
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

export function useProblem(id: string | undefined, token: string): CandidateProblem | undefined {
  const [problem, setProblem] = useState<CandidateProblem>();
  useEffect(() => {
    if (!id) return setProblem(undefined);
    let current = true;
    api.getProblem(id, token).then(
      (loaded) => current && setProblem(loaded),
      () => current && setProblem(undefined),
    );
    return () => {
      current = false;
    };
  }, [id, token]);
  return problem;
}
