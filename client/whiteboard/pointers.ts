// Whiteboard pointers over the room's Yjs awareness: each person publishes
// `whiteboardPointer: {x, y}` (scene coordinates, null when not on the board) beside the
// `user: {name, color}` the room already publishes. States from other clients are validated.
import { z } from 'zod';

export const POINTER_FIELD = 'whiteboardPointer';

const stateSchema = z.looseObject({
  user: z.looseObject({ name: z.string().max(60), color: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).optional() }),
  [POINTER_FIELD]: z.object({ x: z.number().finite(), y: z.number().finite() }).nullable().optional(),
});

export interface RemotePointer {
  /** The awareness client id, as a string (Excalidraw's collaborator key). */
  id: string;
  name: string;
  color: string;
  x: number;
  y: number;
}

/** The other people's pointers that are on the board. */
export function remotePointers(states: ReadonlyMap<number, unknown>, selfClientId: number): RemotePointer[] {
  const pointers: RemotePointer[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfClientId) continue;
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) continue;
    const pointer = parsed.data[POINTER_FIELD];
    if (!pointer) continue;
    pointers.push({ id: String(clientId), name: parsed.data.user.name, color: parsed.data.user.color ?? '#888888', ...pointer });
  }
  return pointers.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Hue (0-360) of a #rgb / #rrggbb colour; undefined for anything else or a grey. */
export function hueOf(color: string): number | undefined {
  const hex = color.length === 4 ? color.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : color;
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  if (!match) return undefined;
  const [r, g, b] = [match[1]!, match[2]!, match[3]!].map((h) => parseInt(h, 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (delta === 0) return undefined;
  const hue = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return (hue * 60 + 360) % 360;
}

// Excalidraw 0.18 ignores a collaborator's `color` for pointers: it derives the hue from a
// hash of the collaborator `id` (getClientColor: hue = |hash(id)| % 37 * 10). So the id we
// give is chosen so that hash lands on the person's own hue.
function excalidrawHash(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash << 5) - hash + id.charCodeAt(i);
  return hash;
}

/** The hue Excalidraw draws a collaborator with this id in. */
export const excalidrawHueOf = (id: string): number => (Math.abs(excalidrawHash(id)) % 37) * 10;

/** A collaborator id starting with `base` whose Excalidraw pointer hue is closest to `color`. */
export function collaboratorIdFor(base: string, color: string): string {
  const hue = hueOf(color);
  if (hue === undefined) return base;
  const distance = (h: number) => Math.min(Math.abs(h - hue), 360 - Math.abs(h - hue));
  let best = base;
  for (let n = 0; n < 400; n += 1) {
    const candidate = `${base}~${n}`;
    if (distance(excalidrawHueOf(candidate)) < distance(excalidrawHueOf(best))) best = candidate;
    if (distance(excalidrawHueOf(best)) <= 5) break;
  }
  return best;
}
