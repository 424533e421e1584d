// Follow mode: publishes my viewport (at most every 50 ms, like the pointer) and, while I
// follow someone, keeps my view on theirs. Panning or zooming myself stops following.
import { CaptureUpdateAction } from '@excalidraw/excalidraw';
import type { AppState, ExcalidrawImperativeAPI, NormalizedZoomValue } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { VIEWPORT_FIELD, followScroll, remoteViewports, sameView, type RemoteViewport, type Viewport } from './viewport.ts';

const PUBLISH_EVERY_MS = 50;
/** Views I applied recently: onChange may report any of them before the latest. */
const APPLIED_KEPT = 8;

type View = { scrollX: number; scrollY: number; zoom: number };

export function useWhiteboardFollow(awareness: Awareness, api: ExcalidrawImperativeAPI | undefined) {
  const [others, setOthers] = useState<RemoteViewport[]>([]);
  const [followId, setFollowId] = useState<string>();
  const followRef = useRef<string | undefined>(undefined);
  followRef.current = followId;
  /** My own view, "scrollX,scrollY,zoom,width,height", for tests (data-viewport). */
  const [myView, setMyView] = useState('');
  const mine = useRef<Viewport | undefined>(undefined);
  const applied = useRef<View[]>([]);
  const published = useRef<Viewport | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const read = () => setOthers(remoteViewports(awareness.getStates(), awareness.clientID));
    awareness.on('change', read);
    read();
    return () => {
      awareness.off('change', read);
      clearTimeout(timer.current);
      timer.current = undefined;
      awareness.setLocalStateField(VIEWPORT_FIELD, null);
    };
  }, [awareness]);

  const followed = followId === undefined ? undefined : others.find((o) => o.id === followId);

  // The followed person left the board: stop.
  useEffect(() => {
    if (followId !== undefined && !followed) setFollowId(undefined);
  }, [followId, followed]);

  // Keep my view on theirs.
  useEffect(() => {
    if (!api || !followed) return;
    const size = mine.current ?? { width: followed.width, height: followed.height };
    const view = followScroll(followed, size);
    if (mine.current && sameView(view, mine.current)) return;
    applied.current = [...applied.current.slice(-(APPLIED_KEPT - 1)), view];
    api.updateScene({
      appState: { scrollX: view.scrollX, scrollY: view.scrollY, zoom: { value: view.zoom as NormalizedZoomValue } },
      captureUpdate: CaptureUpdateAction.NEVER,
    });
  }, [api, followed]);

  const publish = useCallback(() => {
    timer.current = undefined;
    const next = mine.current;
    if (!next) return;
    const last = published.current;
    if (last && sameView(last, next) && last.width === next.width && last.height === next.height) return;
    published.current = next;
    awareness.setLocalStateField(VIEWPORT_FIELD, next);
  }, [awareness]);

  /** From Excalidraw's onChange. */
  const onAppState = useCallback(
    (appState: AppState) => {
      const next: Viewport = {
        scrollX: appState.scrollX,
        scrollY: appState.scrollY,
        zoom: appState.zoom.value,
        width: appState.width,
        height: appState.height,
      };
      const previous = mine.current;
      mine.current = next;
      if (previous && sameView(previous, next) && previous.width === next.width && previous.height === next.height) return;
      setMyView([Math.round(next.scrollX), Math.round(next.scrollY), Math.round(next.zoom * 1000) / 1000, next.width, next.height].join(','));
      // A view I did not apply while following: I moved myself.
      if (followRef.current !== undefined && previous && !sameView(previous, next) && !applied.current.some((v) => sameView(v, next))) {
        setFollowId(undefined);
        applied.current = [];
      }
      if (timer.current === undefined) timer.current = setTimeout(publish, PUBLISH_EVERY_MS);
    },
    [publish],
  );

  const follow = useCallback((id: string | undefined) => {
    applied.current = [];
    setFollowId(id || undefined);
  }, []);

  return { others, followed, follow, onAppState, myView };
}
