// The shared board: Excalidraw bound to the room's Yjs document (yjs-scene-binding.ts) and
// awareness (pointers). Loaded lazily by Whiteboard.tsx, so the code editor never waits for it.
import './asset-path.ts';
import '@excalidraw/excalidraw/index.css';
import { CaptureUpdateAction, Excalidraw, convertToExcalidrawElements, getCommonBounds } from '@excalidraw/excalidraw';
import type { ExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { AppState, BinaryFiles, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { YDOC } from '../../shared/room.ts';
import { MAX_ELEMENT_BYTES, type WhiteboardElement } from '../../shared/whiteboard-element.ts';
import { exportPng, exportSvg } from './export-image.ts';
import { mergeIntoScene } from './merge-scene.ts';
import { TEMPLATES } from './templates.ts';
import { useWhiteboardFiles } from './use-whiteboard-files.ts';
import { useWhiteboardFollow } from './use-whiteboard-follow.ts';
import { useWhiteboardPointers } from './use-whiteboard-pointers.ts';
import { YjsSceneBinding } from './yjs-scene-binding.ts';

export interface WhiteboardProps {
  doc: Y.Doc;
  awareness: Awareness;
  /** The room and my token, for the board's images (stored by the server, not in the document). */
  roomId: string;
  token: string;
  /** File name of exports, without extension. */
  exportName?: string;
}

/** Excalidraw's default hand-drawn font, used by template labels. */
const TEMPLATE_FONT = 'Excalifont';

// Validated elements are structurally Excalidraw elements; these casts are the boundary.
const asExcalidraw = (elements: WhiteboardElement[]) => elements as unknown as ExcalidrawElement[];
const asBoard = (elements: readonly ExcalidrawElement[]) => elements as unknown as WhiteboardElement[];

export default function WhiteboardCanvas({ doc, awareness, roomId, token, exportName = 'whiteboard' }: WhiteboardProps) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI>();
  const [binding, setBinding] = useState<YjsSceneBinding>();
  const [stats, setStats] = useState({ count: 0, types: '', imageFiles: '' });
  /** Elements Excalidraw itself shows (data-canvas-count), to check the canvas and the document agree. */
  const [canvasCount, setCanvasCount] = useState(0);
  const [exportError, setExportError] = useState<string>();
  /** Why one of my shapes is not shared (too large or malformed): shown, never silently dropped. */
  const [rejectedShape, setRejectedShape] = useState<string>();
  const apiRef = useRef<ExcalidrawImperativeAPI | undefined>(undefined);
  apiRef.current = api;
  const pointers = useWhiteboardPointers(awareness, api);
  const files = useWhiteboardFiles(roomId, token, api);
  const ensureFilesRef = useRef(files.ensureFiles);
  ensureFilesRef.current = files.ensureFiles;
  const follow = useWhiteboardFollow(awareness, api);

  // The binding exists before Excalidraw mounts: Excalidraw replaces its scene with initialData
  // once it has initialised, so the stored board must come through initialData, not updateScene.
  useEffect(() => {
    const bound = new YjsSceneBinding(doc.getMap(YDOC.whiteboardMap), {
      onRemoteChange: (changed) => {
        setStats(bound.stats());
        const excalidraw = apiRef.current;
        if (!excalidraw) return; // initialData will read them from the binding
        const scene = asBoard(excalidraw.getSceneElementsIncludingDeleted());
        // Remote edits never enter my undo history: undo stays per person.
        excalidraw.updateScene({ elements: asExcalidraw(mergeIntoScene(scene, changed)), captureUpdate: CaptureUpdateAction.NEVER });
        ensureFilesRef.current(changed);
      },
      onRejectedLocal: (_id, reason) =>
        setRejectedShape(
          reason === 'too-large'
            ? `A shape is over ${MAX_ELEMENT_BYTES / 1024} KB, so it is not shared: it stays on your screen only. Split it into smaller shapes.`
            : 'A shape could not be shared because it is malformed; it stays on your screen only.',
        ),
    });
    setBinding(bound);
    setStats(bound.stats());
    return () => {
      setBinding(undefined);
      bound.destroy();
    };
  }, [doc]);

  // Images of the stored board (initialData) come from the server once Excalidraw is up.
  useEffect(() => {
    if (api && binding) files.ensureFiles(binding.elements());
  }, [api, binding, files.ensureFiles]);

  const initialData = useCallback(() => ({ elements: binding ? asExcalidraw(binding.elements()) : [] }), [binding]);

  const onChange = useCallback(
    (elements: readonly ExcalidrawElement[], appState: AppState, binaryFiles: BinaryFiles) => {
      let shown = 0;
      for (const element of elements) if (!element.isDeleted) shown += 1;
      setCanvasCount(shown);
      files.onFiles(binaryFiles); // first: it decides which images may be shared
      if (binding && binding.pushLocal(elements.filter(files.isShareable)) > 0) setStats(binding.stats());
      follow.onAppState(appState);
    },
    [binding, files.onFiles, files.isShareable, follow.onAppState],
  );

  const insertTemplate = async (id: string) => {
    const template = TEMPLATES.find((t) => t.id === id);
    if (!api || !template) return;
    // Labels are measured when converted: with the font not loaded yet they would be cut short.
    await document.fonts.load(`18px ${TEMPLATE_FONT}`).catch(() => undefined);
    const existing = api.getSceneElements();
    const [, minY, maxX] = existing.length > 0 ? getCommonBounds(existing) : [0, 0, -120];
    const added = convertToExcalidrawElements(template.build(maxX + 120, minY), { regenerateIds: true });
    api.updateScene({ elements: [...api.getSceneElementsIncludingDeleted(), ...added], captureUpdate: CaptureUpdateAction.IMMEDIATELY });
    api.scrollToContent(added, { fitToContent: true });
  };

  const runExport = (kind: 'png' | 'svg') => {
    if (!api) return;
    setExportError(undefined);
    (kind === 'png' ? exportPng : exportSvg)(api, exportName).catch(() => setExportError(`The ${kind.toUpperCase()} export failed.`));
  };

  return (
    <div
      className="whiteboard"
      data-testid="whiteboard"
      data-element-count={stats.count}
      data-canvas-count={canvasCount}
      data-element-types={stats.types}
      data-remote-pointers={pointers.others.map((p) => p.name).join(',')}
      data-image-files={stats.imageFiles}
      data-loaded-files={files.loaded}
      data-viewport={follow.myView}
      data-following={follow.followed?.name ?? ''}
    >
      <div className="whiteboard-toolbar">
        <select aria-label="Insert template" value="" onChange={(e) => void insertTemplate(e.target.value)} disabled={!api}>
          <option value="">Insert template…</option>
          {TEMPLATES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => runExport('png')} disabled={!api}>
          Export PNG
        </button>
        <button type="button" onClick={() => runExport('svg')} disabled={!api}>
          Export SVG
        </button>
        <select
          aria-label="Follow"
          value={follow.followed?.id ?? ''}
          onChange={(e) => follow.follow(e.target.value || undefined)}
          disabled={!api || (follow.others.length === 0 && !follow.followed)}
          title="Keep my view on someone else's"
        >
          <option value="">Follow nobody</option>
          {follow.others.map((o) => (
            <option key={o.id} value={o.id}>
              Follow {o.name}
            </option>
          ))}
        </select>
        {exportError && <span className="error" role="alert">{exportError}</span>}
      </div>
      {(files.message ?? rejectedShape) && (
        <div className="whiteboard-banner" role="alert">
          <span>{files.message ?? rejectedShape}</span>
          <button
            type="button"
            onClick={() => {
              files.dismissMessage();
              setRejectedShape(undefined);
            }}
            aria-label="Dismiss"
          >
            ×
          </button>
        </div>
      )}
      <div className="whiteboard-canvas">
        {binding && (
          <Excalidraw
            key={binding.origin.id}
            initialData={initialData}
            excalidrawAPI={setApi}
            onChange={onChange}
            onPointerUpdate={pointers.onPointerUpdate}
            isCollaborating
            theme="dark"
            UIOptions={{ canvasActions: { loadScene: false, saveToActiveFile: false } }}
          />
        )}
      </div>
    </div>
  );
}
