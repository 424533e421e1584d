// Pointers on the board through the room's awareness: publishes mine (at most every 50 ms,
// null when I leave the board) and turns the others' into Excalidraw collaborators.
import type { ExcalidrawImperativeAPI, SocketId, Collaborator } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { POINTER_FIELD, collaboratorIdFor, remotePointers, type RemotePointer } from './pointers.ts';

const PUBLISH_EVERY_MS = 50;

export function useWhiteboardPointers(awareness: Awareness, api: ExcalidrawImperativeAPI | undefined) {
  const [others, setOthers] = useState<RemotePointer[]>([]);
  const pending = useRef<{ x: number; y: number } | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const read = () => setOthers(remotePointers(awareness.getStates(), awareness.clientID));
    awareness.on('change', read);
    read();
    return () => {
      awareness.off('change', read);
      clearTimeout(timer.current);
      awareness.setLocalStateField(POINTER_FIELD, null);
    };
  }, [awareness]);

  useEffect(() => {
    if (!api) return;
    const collaborators = new Map<SocketId, Collaborator>();
    for (const p of others) {
      collaborators.set(p.id as SocketId, {
        id: collaboratorIdFor(p.id, p.color),
        username: p.name,
        color: { background: p.color, stroke: p.color },
        pointer: { x: p.x, y: p.y, tool: 'pointer' },
      });
    }
    api.updateScene({ collaborators });
  }, [api, others]);

  const onPointerUpdate = useCallback(
    ({ pointer }: { pointer: { x: number; y: number } }) => {
      pending.current = { x: Math.round(pointer.x), y: Math.round(pointer.y) };
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        if (pending.current) awareness.setLocalStateField(POINTER_FIELD, pending.current);
      }, PUBLISH_EVERY_MS);
    },
    [awareness],
  );

  return { others, onPointerUpdate };
}
