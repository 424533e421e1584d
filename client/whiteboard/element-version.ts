// Which of two versions of one element wins: the higher `version`; on a tie the lower
// `versionNonce` (Excalidraw's own rule); then the smaller JSON text, so every replica picks
// the same one whatever order the edits arrived in.

export interface Versioned {
  version: number;
  versionNonce: number;
}

export function compareVersions(a: Versioned, b: Versioned): number {
  if (a.version !== b.version) return a.version > b.version ? 1 : -1;
  if (a.versionNonce !== b.versionNonce) return a.versionNonce < b.versionNonce ? 1 : -1;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? 0 : ja < jb ? 1 : -1;
}

/** True when `a` should replace `b`. */
export const beats = (a: Versioned, b: Versioned): boolean => compareVersions(a, b) > 0;

/** Cheap check that two copies are the same edit of an element. */
export const sameEdit = (a: Versioned, b: Versioned): boolean => a.version === b.version && a.versionNonce === b.versionNonce;
