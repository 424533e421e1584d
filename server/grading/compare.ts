// Host-side comparison of what a program produced with what a test expects. Nothing here
// trusts the sandbox: values arrive as plain JSON and are compared structurally.

export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
}

const asNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  // Postgres numeric arrives as text ("0.33333"); Python may send NaN/Infinity as strings.
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
};

/** The first difference between two JSON values, numbers equal within `tolerance`. */
export function firstMismatch(actual: unknown, expected: unknown, tolerance: number, path = '$'): Mismatch | undefined {
  if (typeof expected === 'number') {
    const value = asNumber(actual);
    const close = value !== undefined && (value === expected || Math.abs(value - expected) <= tolerance * Math.max(1, Math.abs(expected)));
    return close ? undefined : { path, expected, actual };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path, expected, actual };
    if (actual.length !== expected.length) return { path: `${path}.length`, expected: expected.length, actual: actual.length };
    for (let i = 0; i < expected.length; i += 1) {
      const mismatch = firstMismatch(actual[i], expected[i], tolerance, `${path}[${i}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return { path, expected, actual };
    const expectedKeys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    if (expectedKeys.join('\u0000') !== actualKeys.join('\u0000')) return { path: `${path} keys`, expected: expectedKeys, actual: actualKeys };
    for (const key of expectedKeys) {
      const mismatch = firstMismatch((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], tolerance, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : { path, expected, actual };
}

/** Short JSON for messages; long values are cut so one case cannot flood the panel. */
export function preview(value: unknown, maxChars = 300): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
