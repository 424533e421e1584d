// Viewports on the board through the room's awareness: each person publishes
// `whiteboardViewport: {scrollX, scrollY, zoom, width, height}` (Excalidraw's scroll and zoom,
// and the canvas size in CSS pixels; null when not on the board), beside `whiteboardPointer`.
// Someone following another person shows the centre of the other's view at the other's zoom.
import { z } from 'zod';

export const VIEWPORT_FIELD = 'whiteboardViewport';

export interface Viewport {
  scrollX: number;
  scrollY: number;
  zoom: number;
  width: number;
  height: number;
}

const finite = z.number().finite();
const viewportSchema = z.object({
  scrollX: finite,
  scrollY: finite,
  zoom: finite.min(0.01).max(100),
  width: finite.min(0).max(100_000),
  height: finite.min(0).max(100_000),
});

const stateSchema = z.looseObject({
  user: z.looseObject({ name: z.string().max(60) }),
  [VIEWPORT_FIELD]: viewportSchema.nullable().optional(),
});

export interface RemoteViewport extends Viewport {
  /** The awareness client id, as a string. */
  id: string;
  name: string;
}

/** The other people on the board with their viewports, in client id order. */
export function remoteViewports(states: ReadonlyMap<number, unknown>, selfClientId: number): RemoteViewport[] {
  const viewports: RemoteViewport[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfClientId) continue;
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) continue;
    const viewport = parsed.data[VIEWPORT_FIELD];
    if (!viewport) continue;
    viewports.push({ id: String(clientId), name: parsed.data.user.name, ...viewport });
  }
  return viewports.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * My scroll to show what `theirs` shows: the same zoom, with the centre of their view at the
 * centre of mine (Excalidraw: screen = (scene + scroll) × zoom).
 */
export function followScroll(theirs: Viewport, mine: { width: number; height: number }): { scrollX: number; scrollY: number; zoom: number } {
  const zoom = theirs.zoom;
  return {
    scrollX: theirs.scrollX - theirs.width / (2 * zoom) + mine.width / (2 * zoom),
    scrollY: theirs.scrollY - theirs.height / (2 * zoom) + mine.height / (2 * zoom),
    zoom,
  };
}

/** Whether two views are the same, give or take rounding. */
export function sameView(a: { scrollX: number; scrollY: number; zoom: number }, b: { scrollX: number; scrollY: number; zoom: number }): boolean {
  return Math.abs(a.scrollX - b.scrollX) < 1 && Math.abs(a.scrollY - b.scrollY) < 1 && Math.abs(a.zoom - b.zoom) < 1e-6;
}
