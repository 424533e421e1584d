// Markdown tables of the results. Ratios are ours/stock for the same room count, measured in
// the same run, so they hold up better than absolute numbers on a noisy machine.
import { GENERATOR_CPU_LIMIT_PERCENT, GENERATOR_LAG_LIMIT_MS, type LoadResult } from './phase.ts';
import type { ServerKind } from './servers.ts';
import type { SyncResult } from './sync-load.ts';

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const ratio = (ours: number | undefined, stock: number | undefined): string =>
  ours !== undefined && stock !== undefined && Number.isFinite(ours) && Number.isFinite(stock) && stock > 0 ? `${(ours / stock).toFixed(2)}×` : '–';

function counterpart<T extends { server: ServerKind }>(results: T[], result: T, same: (a: T, b: T) => boolean): T | undefined {
  return results.find((other) => other.server !== result.server && same(other, result));
}

export function loadTable(results: LoadResult[]): string {
  const header = [
    'server', 'rooms', 'p50 ms', 'p95 ms', 'p99 ms', 'lost', 'srv CPU ms/1k', 'srv CPU/wait %', 'RSS MB before→after',
    'ours/stock CPU/1k', 'ours/stock p99', 'gen lag p99/max ms', 'gen CPU/wait %', 'notes',
  ];
  const sorted = [...results].sort((a, b) => a.rooms - b.rooms || a.server.localeCompare(b.server));
  const rows = sorted.map((r) => {
    const stock = r.server === 'ours' ? counterpart(results, r, (a, b) => a.rooms === b.rooms) : undefined;
    return [
      r.server,
      String(r.rooms),
      fixed(r.latency.p50),
      fixed(r.latency.p95),
      fixed(r.latency.p99),
      `${r.lost}/${r.sent}`,
      fixed(r.serverCpuMsPer1k, 0),
      `${fixed(r.serverCpuPercent, 0)}/${fixed(r.serverWaitPercent, 0)}`,
      `${fixed(r.rssBeforeMb, 0)}→${fixed(r.rssAfterMb, 0)}`,
      stock ? ratio(r.serverCpuMsPer1k, stock.serverCpuMsPer1k) : '',
      stock ? ratio(r.latency.p99, stock.latency.p99) : '',
      `${fixed(r.generatorLagP99Ms)}/${fixed(r.generatorLagMaxMs, 0)}`,
      `${fixed(r.generatorCpuPercent, 0)}/${fixed(r.generatorWaitPercent, 0)}`,
      r.notes.join('; '),
    ];
  });
  return markdownTable(header, rows);
}

export function syncTable(results: SyncResult[]): string {
  const header = [
    'server', 'text KB', 'state KB', 'edits', 'warm p50 ms', 'warm p95 ms', 'cold p50 ms', 'cold p95 ms',
    'ours/stock warm p50', 'ours/stock cold p50', 'failures',
  ];
  const rows = results.map((r) => {
    const stock = r.server === 'ours' ? counterpart(results, r, () => true) : undefined;
    return [
      r.server,
      fixed(r.textChars / 1024, 0),
      fixed(r.stateBytes / 1024, 0),
      String(r.edits),
      fixed(r.warm.p50),
      fixed(r.warm.p95),
      fixed(r.cold.p50),
      fixed(r.cold.p95),
      stock ? ratio(r.warm.p50, stock.warm.p50) : '',
      stock ? ratio(r.cold.p50, stock.cold.p50) : '',
      String(r.failures),
    ];
  });
  return markdownTable(header, rows);
}

export const LEGEND = [
  'Columns:',
  '- latency: a keystroke sent by one client until the other client has applied it (sent after the warm-up).',
  "- lost: keystrokes missing after the drain / keystrokes sent (provider mode compares both clients' final texts, light mode counts relays that never arrived).",
  '- srv CPU ms/1k: server user+system CPU per 1,000 delivered keystrokes, each one document update and one awareness update relayed to the other client (the stock server also echoes both back to the sender).',
  "- CPU/wait %: while typing after the warm-up, CPU used as a share of one core, and the share of time the process's main thread was runnable but waiting for its core (/proc/<pid>/schedstat); a high wait means other processes on the machine took the core and the row is noisy.",
  '- RSS: server resident memory with the clients connected, before and after typing.',
  '- gen: the load generator (this process, on its own core), with its event-loop delay p99/max.',
  `- Rows flagged GENERATOR SATURATED (its CPU above ${GENERATOR_CPU_LIMIT_PERCENT}%) or LAGGED (event-loop delay p99 above ${GENERATOR_LAG_LIMIT_MS} ms) measure the generator as much as the server.`,
].join('\n');
