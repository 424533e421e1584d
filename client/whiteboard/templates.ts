// Starting points for a system-design answer, as Excalidraw element skeletons placed at
// (x, y): a frame per part of the answer, and the usual building blocks.
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';

export interface Template {
  id: string;
  label: string;
  build: (x: number, y: number) => ExcalidrawElementSkeleton[];
}

const FRAMES: { name: string; hint: string }[] = [
  { name: 'Requirements', hint: 'Functional:\n- \nNon-functional (latency, QPS, SLA):\n- ' },
  { name: 'API', hint: 'POST /...\nGET /...' },
  { name: 'Data', hint: 'Entities, schema, volume,\nretention, features' },
  { name: 'Architecture', hint: 'Components and data flow' },
  { name: 'Scaling', hint: 'Bottlenecks, caching, sharding,\nmonitoring, failure modes' },
];

const FRAME_W = 520;
const FRAME_H = 360;
const GAP = 60;

function frameLayout(x: number, y: number): ExcalidrawElementSkeleton[] {
  const elements: ExcalidrawElementSkeleton[] = [];
  FRAMES.forEach(({ name, hint }, i) => {
    const fx = x + (i % 3) * (FRAME_W + GAP);
    const fy = y + Math.floor(i / 3) * (FRAME_H + GAP);
    const textId = `tpl-frame-text-${i}`;
    elements.push({ type: 'text', id: textId, x: fx + 24, y: fy + 24, text: hint, fontSize: 18, strokeColor: '#868e96' });
    elements.push({ type: 'frame', children: [textId], name, x: fx, y: fy, width: FRAME_W, height: FRAME_H });
  });
  return elements;
}

type Shape = 'rectangle' | 'ellipse' | 'diamond';
const COMPONENTS: { id: string; label: string; shape: Shape; color: string }[] = [
  { id: 'client', label: 'Client', shape: 'rectangle', color: '#a5d8ff' },
  { id: 'load-balancer', label: 'Load balancer', shape: 'diamond', color: '#ffec99' },
  { id: 'service', label: 'Service', shape: 'rectangle', color: '#b2f2bb' },
  { id: 'cache', label: 'Cache', shape: 'rectangle', color: '#ffc9c9' },
  { id: 'queue', label: 'Queue', shape: 'rectangle', color: '#d0bfff' },
  { id: 'database', label: 'Database', shape: 'ellipse', color: '#99e9f2' },
  { id: 'feature-store', label: 'Feature store', shape: 'ellipse', color: '#eebefa' },
  { id: 'model-server', label: 'Model server', shape: 'rectangle', color: '#ffd8a8' },
];

const BOX_W = 180;
const BOX_H = 90;

function component(c: (typeof COMPONENTS)[number], x: number, y: number, id?: string): ExcalidrawElementSkeleton {
  return {
    type: c.shape,
    id,
    x,
    y,
    width: c.shape === 'diamond' ? BOX_W + 40 : BOX_W,
    height: c.shape === 'diamond' ? BOX_H + 30 : BOX_H,
    backgroundColor: c.color,
    fillStyle: 'solid',
    strokeColor: '#1e1e1e',
    roundness: c.shape === 'rectangle' ? { type: 3 } : null,
    label: { text: c.label, fontSize: 18 },
  };
}

/** Every component in a row, client to model server, joined by arrows. */
function pipeline(x: number, y: number): ExcalidrawElementSkeleton[] {
  const step = BOX_W + 110;
  const elements: ExcalidrawElementSkeleton[] = COMPONENTS.map((c, i) => component(c, x + i * step, y + (c.shape === 'diamond' ? -15 : 0), `tpl-${c.id}`));
  for (let i = 0; i + 1 < COMPONENTS.length; i += 1) {
    const from = COMPONENTS[i]!;
    const to = COMPONENTS[i + 1]!;
    elements.push({
      type: 'arrow',
      x: x + i * step + (from.shape === 'diamond' ? BOX_W + 40 : BOX_W) + 5,
      y: y + BOX_H / 2,
      width: step - (from.shape === 'diamond' ? BOX_W + 40 : BOX_W) - 10,
      height: 0,
      start: { id: `tpl-${from.id}` },
      end: { id: `tpl-${to.id}` },
    });
  }
  return elements;
}

export const TEMPLATES: Template[] = [
  { id: 'frames', label: 'System-design frames', build: frameLayout },
  { id: 'pipeline', label: 'All components, connected', build: pipeline },
  ...COMPONENTS.map((c) => ({ id: c.id, label: c.label, build: (x: number, y: number) => [component(c, x, y)] })),
];
