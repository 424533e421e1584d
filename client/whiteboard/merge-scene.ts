// Applies remote element changes to the canvas's current elements: an element is replaced
// only when the remote copy is newer (the canvas may hold a local edit not yet shared), and
// the result is in stacking order.
import { beats, type Versioned } from './element-version.ts';
import { compareByIndex, type Indexed } from './element-order.ts';

type SceneElement = Versioned & Indexed;

export function mergeIntoScene<T extends SceneElement>(scene: readonly T[], changed: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const element of scene) byId.set(element.id, element);
  let touched = false;
  for (const remote of changed) {
    const local = byId.get(remote.id);
    if (local && !beats(remote, local)) continue;
    byId.set(remote.id, remote);
    touched = true;
  }
  const merged = [...byId.values()];
  return touched ? merged.sort(compareByIndex) : merged;
}
