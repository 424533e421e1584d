// Pre-started sandboxes whose interpreter has already loaded its heavy modules, waiting on
// fd 3 for a program. Each is used for exactly one run, then discarded; the pool refills
// in the background, one start at a time per language so refills never starve live runs.
import type { Language } from '../../shared/room.ts';
import type { LaunchedSandbox } from './launch.ts';

export class WarmPool {
  private readonly ready = new Map<Language, LaunchedSandbox[]>();
  private readonly loaded = new WeakSet<LaunchedSandbox>();
  private readonly refilling = new Set<Language>();
  private closed = false;

  private readonly retrying = new Set<Language>();

  constructor(
    /** Sandboxes kept per language (PGlite ones are larger than a Python one); 0 keeps none. */
    private readonly sizes: Partial<Record<Language, number>>,
    private readonly start: (language: Language) => LaunchedSandbox,
    /** False while runs execute: a refill (a fork plus heavy imports) would slow them down. */
    private readonly idle: () => boolean = () => true,
  ) {
    for (const [language, size] of Object.entries(sizes) as [Language, number][]) {
      if (size <= 0) continue;
      this.ready.set(language, []);
      this.refill(language);
    }
  }

  /** A loaded sandbox, or undefined when none is (the caller starts one cold). */
  take(language: Language): LaunchedSandbox | undefined {
    const list = this.ready.get(language) ?? [];
    const index = list.findIndex((sandbox) => this.loaded.has(sandbox));
    const [sandbox] = index >= 0 ? list.splice(index, 1) : [];
    // Refill after the run, not now: starting a replacement (a fork of the server, then heavy
    // imports) while the run starts made warm runs 2-3x slower (bench:runs).
    const refillLater = () => setTimeout(() => this.refill(language), 100).unref();
    if (sandbox) void sandbox.exited.then(refillLater);
    else refillLater();
    return sandbox;
  }

  private refill(language: Language): void {
    const list = this.ready.get(language);
    if (this.closed || !list || this.refilling.has(language) || list.length >= (this.sizes[language] ?? 0)) return;
    if (!this.idle()) {
      // Under sustained load the pool stays empty and runs start cold, which bench:runs showed
      // is faster than refilling alongside them; it refills once the runs stop.
      if (!this.retrying.has(language)) {
        this.retrying.add(language);
        setTimeout(() => {
          this.retrying.delete(language);
          this.refill(language);
        }, 200).unref();
      }
      return;
    }
    this.refilling.add(language);
    const sandbox = this.start(language);
    list.push(sandbox);
    // The harness writes one byte to its image pipe once its modules are imported.
    sandbox.frames.once('data', () => {
      sandbox.frames.pause();
      this.loaded.add(sandbox);
    });
    // A warm sandbox that died while idle (killed, crashed) leaves the pool.
    void sandbox.exited.then(() => {
      const index = list.indexOf(sandbox);
      if (index >= 0) {
        list.splice(index, 1);
        sandbox.dispose();
        this.refill(language);
      }
    });
    // Start the next one only after this one had time to load, to keep one core free.
    setTimeout(() => {
      this.refilling.delete(language);
      this.refill(language);
    }, 300).unref();
  }

  close(): void {
    this.closed = true;
    for (const list of this.ready.values()) for (const sandbox of list.splice(0)) sandbox.dispose();
  }
}
