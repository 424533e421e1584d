// Stacking order of the board: Excalidraw's fractional `index` strings compared by code unit
// (how fractional-indexing orders them), then id so equal indexes still order the same everywhere.

export interface Indexed {
  id: string;
  index: string | null;
}

export function compareByIndex(a: Indexed, b: Indexed): number {
  if (a.index !== b.index) {
    if (a.index === null) return 1;
    if (b.index === null) return -1;
    return a.index < b.index ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const sortByIndex = <T extends Indexed>(elements: Iterable<T>): T[] => [...elements].sort(compareByIndex);
