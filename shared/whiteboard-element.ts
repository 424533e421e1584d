// What a whiteboard element in the shared document must look like. The server refuses any
// other update to the board (server/yjs/doc-rules.ts), and each browser drops anything else on
// arrival (an old document, a bug), so nothing outside this schema reaches a canvas.
// Drawable types only: `embeddable`, `iframe` and `magicframe` render web content or HTML on
// the other person's screen (a candidate once painted a fake "session expired" form that way),
// and `customData` is refused since nothing of ours uses it.
import { z } from 'zod';

/** Largest element accepted, as JSON (a long freehand stroke is the usual big one). */
export const MAX_ELEMENT_BYTES = 64 * 1024;

const ELEMENT_TYPES = [
  'rectangle',
  'diamond',
  'ellipse',
  'text',
  'line',
  'arrow',
  'freedraw',
  'image',
  'frame',
] as const;

const LINEAR_TYPES = new Set(['line', 'arrow', 'freedraw']);

const finite = z.number().finite();
const shortString = z.string().max(200);
const point = z.tuple([finite, finite]);

const baseSchema = z.looseObject({
  id: z.string().min(1).max(100),
  type: z.enum(ELEMENT_TYPES),
  x: finite,
  y: finite,
  width: finite,
  height: finite,
  angle: finite,
  version: z.number().int().min(1),
  versionNonce: z.number().int(),
  index: z.string().min(1).max(200).nullable(),
  isDeleted: z.boolean(),
  strokeColor: shortString,
  backgroundColor: shortString,
  fillStyle: shortString,
  strokeWidth: finite,
  strokeStyle: shortString,
  roughness: finite,
  opacity: finite,
  seed: z.number().int(),
  groupIds: z.array(shortString).max(100),
  frameId: shortString.nullable(),
  boundElements: z.array(z.looseObject({ id: shortString, type: z.enum(['arrow', 'text']) })).max(1000).nullable(),
  roundness: z.looseObject({ type: z.number().int(), value: finite.optional() }).nullable(),
  updated: finite,
  link: z.string().max(2000).regex(/^https?:\/\//i, 'links must be http(s) URLs').nullable(),
  locked: z.boolean(),
  customData: z.undefined().optional(),
});

const linearExtras = z.looseObject({ points: z.array(point).min(1).max(20_000) });
const textExtras = z.looseObject({
  text: z.string().max(20_000),
  originalText: z.string().max(20_000),
  fontSize: finite.positive(),
  fontFamily: z.number().int(),
  textAlign: shortString,
  verticalAlign: shortString,
  containerId: shortString.nullable(),
  lineHeight: finite.positive(),
});

export type WhiteboardElement = z.infer<typeof baseSchema>;

/** Parses one stored value; undefined when it is malformed, too large, or not stored under its own id. */
export function parseElement(raw: unknown, key?: string): WhiteboardElement | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  if (jsonSize(raw) > MAX_ELEMENT_BYTES) return undefined;
  const base = baseSchema.safeParse(raw);
  if (!base.success) return undefined;
  const element = base.data;
  if (key !== undefined && element.id !== key) return undefined;
  if (LINEAR_TYPES.has(element.type) && !linearExtras.safeParse(raw).success) return undefined;
  if (element.type === 'text' && !textExtras.safeParse(raw).success) return undefined;
  return element;
}

/** Bytes of the element as JSON; Infinity when it cannot be serialised. */
export function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? Infinity;
  } catch {
    return Infinity;
  }
}
