// One row of bench:scale: the shared phase result (latency, lost, generator) plus the cost of
// every process of the setup, from the Deployment's snapshots at the same instants the phase
// code sampled (idle with clients connected, end of warm-up, end of typing, end of drain).
import { cpuBetween, mb, type ProcSample } from '../proc-stats.ts';
import type { LoadResult } from '../phase.ts';
import type { Summary } from '../stats.ts';
import type { Deployment, Snapshot } from './deployments.ts';
import type { SetupName } from './options.ts';
import { coreUsage } from './procs.ts';

export interface InstanceCost {
  cpuPercent: number;
  /** Share of the typing window its main thread waited for a CPU. */
  waitPercent: number;
  cpuMsPer1k: number;
  rssBeforeMb: number;
  rssAfterMb: number;
}

export interface BackingCost {
  cpuPercent: number;
  cpuMsPer1k: number;
}

export interface ScaleRow {
  setup: SetupName;
  rooms: number;
  latency: Summary;
  sent: number;
  lost: number;
  /** Keystrokes sent after the warm-up that arrived (the denominator of every ms/1k). */
  delivered: number;
  instances: InstanceCost[];
  redis: (BackingCost & { rssMb: number }) | undefined;
  postgres: (BackingCost & { processes: number }) | undefined;
  /** Instances + redis-server + PostgreSQL. */
  totalCpuMsPer1k: number;
  /** Busy and steal share of each core while typing. */
  cores: { busyPercent: number; stealPercent: number }[];
  /**
   * CPU busy while typing that none of the benchmark's processes (instances, redis-server,
   * PostgreSQL, the generator) was charged for, in % of one core: other work on this shared
   * machine, and kernel time not charged to a process (e.g. softirq of loopback traffic).
   */
  othersPercent: number;
  /** othersPercent above OTHERS_NOISY_PERCENT: the row measured the machine's other work as much as the setup. */
  noisy: boolean;
  /** Every keystroke arrived before the drain time ran out. */
  drained: boolean;
  generatorCpuPercent: number;
  generatorWaitPercent: number;
  generatorLagP99Ms: number;
  notes: string[];
}

/** Notes of the shared phase code about "the server" that mean something else for a sum of processes. */
const SUM_NOTES = [/^server core saturated$/, /^server waited for its core/];

export const SATURATED_PERCENT = 90;
/** Other load above this (in % of one core, both cores together) makes a row unreliable. */
export const OTHERS_NOISY_PERCENT = 25;

export function scaleRow(setup: SetupName, deployment: Deployment, result: LoadResult): ScaleRow {
  const snaps = deployment.snapshots;
  // measureLoad samples: idle, first mark, mark at the end of the warm-up, typed, drained.
  if (snaps.length < 4) throw new Error(`expected at least 4 samples of the setup, got ${snaps.length}`);
  const idle = snaps[0]!;
  const [mark, typed, end] = snaps.slice(-3) as [Snapshot, Snapshot, Snapshot];
  const delivered = Math.max(1, result.latency.count);
  const per1k = (cpuMs: number) => (1000 * cpuMs) / delivered;
  const typingMs = Math.max(1, typed.atMs - mark.atMs);

  const instances = deployment.instances.map((_, i): InstanceCost => {
    const at = (s: Snapshot): ProcSample => s.instances[i]!;
    const typing = cpuBetween(at(mark), at(typed));
    return {
      cpuPercent: typing.percent,
      waitPercent: typing.waitPercent,
      cpuMsPer1k: per1k(at(end).cpuMs - at(mark).cpuMs),
      rssBeforeMb: mb(at(idle).rssBytes),
      rssAfterMb: mb(at(end).rssBytes),
    };
  });
  const redis =
    mark.redis && typed.redis && end.redis
      ? {
          cpuPercent: cpuBetween(mark.redis, typed.redis).percent,
          cpuMsPer1k: per1k(end.redis.cpuMs - mark.redis.cpuMs),
          rssMb: mb(end.redis.rssBytes),
        }
      : undefined;
  const postgres =
    mark.postgres && typed.postgres && end.postgres
      ? {
          cpuPercent: (100 * (typed.postgres.cpuMs - mark.postgres.cpuMs)) / typingMs,
          cpuMsPer1k: per1k(end.postgres.cpuMs - mark.postgres.cpuMs),
          processes: end.postgres.processes,
        }
      : undefined;
  const totalCpuMsPer1k = instances.reduce((sum, c) => sum + c.cpuMsPer1k, 0) + (redis?.cpuMsPer1k ?? 0) + (postgres?.cpuMsPer1k ?? 0);
  const cores = coreUsage(mark.cores, typed.cores);
  const oursPercent =
    instances.reduce((sum, c) => sum + c.cpuPercent, 0) + (redis?.cpuPercent ?? 0) + (postgres?.cpuPercent ?? 0) + result.generatorCpuPercent;
  // Clock-tick rounding makes it a few % negative on a quiet machine.
  const othersPercent = Math.max(0, cores.reduce((sum, c) => sum + c.busyPercent, 0) - oursPercent);

  const notes = result.notes.filter((note) => !SUM_NOTES.some((pattern) => pattern.test(note)));
  instances.forEach((c, i) => {
    if (c.cpuPercent > SATURATED_PERCENT) notes.push(`instance ${i} saturated (${c.cpuPercent.toFixed(0)}% of a core)`);
  });
  if (redis && redis.cpuPercent > SATURATED_PERCENT) notes.push('redis-server saturated');
  cores.forEach((c, core) => {
    if (c.busyPercent > 95) notes.push(`core ${core} busy ${c.busyPercent.toFixed(0)}%`);
    if (c.stealPercent > 5) notes.push(`core ${core}: ${c.stealPercent.toFixed(0)}% stolen by the hypervisor`);
  });
  if (othersPercent > OTHERS_NOISY_PERCENT) notes.push(`NOISY: other processes used ${othersPercent.toFixed(0)}% of a core`);
  return {
    setup,
    rooms: result.rooms,
    latency: result.latency,
    sent: result.sent,
    lost: result.lost,
    delivered: result.latency.count,
    instances,
    redis,
    postgres,
    totalCpuMsPer1k,
    cores,
    othersPercent,
    noisy: othersPercent > OTHERS_NOISY_PERCENT,
    drained: !result.notes.some((note) => note.startsWith('not drained')),
    generatorCpuPercent: result.generatorCpuPercent,
    generatorWaitPercent: result.generatorWaitPercent,
    generatorLagP99Ms: result.generatorLagP99Ms,
    notes,
  };
}
