// The room's shared whiteboard; Excalidraw (large) is fetched only when someone opens it.
import { Suspense, lazy } from 'react';
import type { WhiteboardProps } from './WhiteboardCanvas.tsx';

const WhiteboardCanvas = lazy(() => import('./WhiteboardCanvas.tsx'));

export function Whiteboard(props: WhiteboardProps) {
  return (
    <Suspense fallback={<div className="whiteboard"><p className="centered">Loading the whiteboard…</p></div>}>
      <WhiteboardCanvas {...props} />
    </Suspense>
  );
}
