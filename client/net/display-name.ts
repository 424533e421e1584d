const KEY = 'interview-room:display-name';

export function savedDisplayName(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveDisplayName(name: string): void {
  try {
    localStorage.setItem(KEY, name);
  } catch {
    // Private mode without storage: the name is simply asked again next time.
  }
}
