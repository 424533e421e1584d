// A client that types numbered tokens ("<name>:<n>;") into the shared code at random
// places, like a person typing, and remembers what it typed, so a test can ask which of
// its edits survived and which another client saw.
import type { YClient } from './yjs-client.ts';

export interface Typist {
  readonly name: string;
  readonly typed: string[];
  stop(): void;
}

export function startTyping(client: YClient, name: string, intervalMs: number): Typist {
  const typed: string[] = [];
  const timer = setInterval(() => {
    const token = `${name}:${typed.length};`;
    // Insert between tokens, never inside one, so every token stays readable.
    const text = client.text.toString();
    const boundaries = [0, ...[...text.matchAll(/;/g)].map((m) => m.index + 1)];
    client.text.insert(boundaries[Math.floor(Math.random() * boundaries.length)]!, token);
    typed.push(token);
  }, intervalMs);
  return {
    name,
    typed,
    stop: () => clearInterval(timer),
  };
}

/** Tokens of `typist` that appear in `text`. */
export function tokensIn(text: string, typist: Typist): string[] {
  // Tokens sit between semicolons, so "c1:2;" never matches inside "c11:2;".
  const bounded = `;${text}`;
  return typist.typed.filter((token) => bounded.includes(`;${token}`));
}
