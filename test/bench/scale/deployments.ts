// The setups bench:scale compares, each started fresh for every load phase: the server
// instances (servers.ts, so they stop with this process even on kill -9) and, for the
// multi-instance setups, a fresh redis-server and PostgreSQL cluster. A Deployment is one
// BenchServer to the load code: it creates the rooms on the first instance and, with two
// instances, sends the two clients of every room to different instances (or both to one of
// them). Every sample() also records each process separately (instances, redis-server, the
// PostgreSQL process tree, the cores), so the report can split the cost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalPostgres, type LocalPostgres } from '../../../server/cluster/local-postgres.ts';
import { startLocalRedis, type LocalRedis } from '../../../server/cluster/local-redis.ts';
import { freePort } from '../../helpers/free-port.ts';
import type { ProcSample } from '../proc-stats.ts';
import { startServer, type BenchServer, type RoomAccess, type ServerKind } from '../servers.ts';
import type { Placement, SetupName } from './options.ts';
import { pinProcess, sampleCores, sampleTree, trySample, type CoreTimes, type TreeSample } from './procs.ts';

export interface Snapshot {
  atMs: number;
  instances: ProcSample[];
  redis: ProcSample | undefined;
  postgres: TreeSample | undefined;
  cores: CoreTimes[];
}

export interface SetupShape {
  kind: ServerKind;
  instances: number;
  cluster: boolean;
  /** With two instances: a room's two clients on different instances (else on the same one). */
  splitRooms: boolean;
}

export const SHAPES: Record<SetupName, SetupShape> = {
  stock: { kind: 'stock', instances: 1, cluster: false, splitRooms: false },
  'sqlite-1': { kind: 'ours', instances: 1, cluster: false, splitRooms: false },
  'redis-pg-1': { kind: 'ours', instances: 1, cluster: true, splitRooms: false },
  'redis-pg-2': { kind: 'ours', instances: 2, cluster: true, splitRooms: true },
  'redis-pg-2-together': { kind: 'ours', instances: 2, cluster: true, splitRooms: false },
};

export interface Pinning {
  /** taskset CPU list per instance index, or undefined for no pinning. */
  instance(index: number): number | undefined;
  /** CPU list for redis-server and PostgreSQL, or undefined to leave them as spawned. */
  backing: string | undefined;
}

/** Where each process goes; `pinned` is false on a machine where taskset cannot help. */
export function pinningFor(placement: Placement, cores: number, pinned: boolean): Pinning {
  if (!pinned) return { instance: () => undefined, backing: undefined };
  if (placement === 'shared') return { instance: () => 0, backing: '0' };
  // spread: the children would inherit the generator's core from this process: allow all.
  return { instance: (index) => index % cores, backing: `0-${cores - 1}` };
}

/** Deployments not yet stopped, for cleanup on signals and at exit. */
const live = new Set<Deployment>();

export class Deployment implements BenchServer {
  readonly snapshots: Snapshot[] = [];

  private constructor(
    readonly setup: SetupName,
    readonly instances: BenchServer[],
    readonly redis: LocalRedis | undefined,
    readonly postgres: LocalPostgres | undefined,
    private readonly postgresDir: string | undefined,
  ) {
    live.add(this);
  }

  static async start(setup: SetupName, pinning: Pinning, pgFsync: boolean, cpuProfDir?: string): Promise<Deployment> {
    const shape = SHAPES[setup];
    let redis: LocalRedis | undefined;
    let postgres: LocalPostgres | undefined;
    let postgresDir: string | undefined;
    const instances: BenchServer[] = [];
    const undo = async () => {
      await Promise.allSettled(instances.map((instance) => instance.stop()));
      await Promise.allSettled([redis?.stop(), postgres?.stop()]);
      if (postgresDir) fs.rmSync(postgresDir, { recursive: true, force: true });
    };
    try {
      // Empty means unset to the server's configuration: the single-instance setups must not
      // pick multi-instance mode up from the environment this benchmark runs in.
      let env: Record<string, string> = { REDIS_URL: '', DATABASE_URL: '' };
      if (shape.cluster) {
        postgresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-pg-'));
        [redis, postgres] = await Promise.all([
          startLocalRedis(await freePort()),
          startLocalPostgres({ dataDir: postgresDir, fast: !pgFsync }),
        ]);
        if (pinning.backing !== undefined) {
          pinProcess(redis.process.pid!, pinning.backing);
          // Backends forked later inherit the postmaster's CPUs.
          pinProcess(postgres.process.pid!, pinning.backing, true);
        }
        env = { REDIS_URL: redis.url, DATABASE_URL: postgres.url };
      }
      // One at a time: the first one creates the PostgreSQL schema.
      for (let i = 0; i < shape.instances; i++) instances.push(await startServer(shape.kind, { core: pinning.instance(i), env, cpuProfDir }));
    } catch (error) {
      await undo();
      throw error;
    }
    return new Deployment(setup, instances, redis, postgres, postgresDir);
  }

  get kind(): ServerKind {
    return SHAPES[this.setup].kind;
  }

  get pid(): number {
    return this.instances[0]!.pid;
  }

  get port(): number {
    return this.instances[0]!.port;
  }

  get warnings(): number {
    return this.instances.reduce((sum, instance) => sum + instance.warnings, 0);
  }

  outputTail(): string {
    return this.instances.map((instance, i) => `--- instance ${i} (pid ${instance.pid}) ---\n${instance.outputTail()}`).join('\n');
  }

  /**
   * Rooms are created on the first instance (they are in the shared database). With two
   * instances, room i puts its slot 0 on instance i % 2 and its slot 1 on the other one, so both
   * instances carry the same number of clients and every keystroke crosses Redis; or, when
   * rooms are kept together, both slots on instance i % 2.
   */
  async createRooms(count: number): Promise<RoomAccess[]> {
    const rooms = await this.instances[0]!.createRooms(count);
    if (this.instances.length < 2) return rooms;
    const on = (room: RoomAccess, instance: BenchServer): string => {
      const url = new URL(room.serverUrl);
      url.port = String(instance.port);
      return url.toString().replace(/\/$/, '');
    };
    return rooms.map((room, i) => {
      const first = this.instances[i % 2]!;
      const second = SHAPES[this.setup].splitRooms ? this.instances[(i + 1) % 2]! : first;
      return { ...room, slotServerUrls: [on(room, first), on(room, second)] as const };
    });
  }

  /** Records every process; returns the instances' sum (what the shared phase code reports). */
  sample(): ProcSample {
    const snapshot: Snapshot = {
      atMs: performance.now(),
      instances: this.instances.map((instance) => trySample(instance.pid)),
      redis: this.redis?.process.pid === undefined ? undefined : trySample(this.redis.process.pid),
      postgres: this.postgres?.process.pid === undefined ? undefined : sampleTree(this.postgres.process.pid),
      cores: sampleCores(),
    };
    this.snapshots.push(snapshot);
    const sum = (pick: (s: ProcSample) => number) => snapshot.instances.reduce((total, s) => total + pick(s), 0);
    return { atMs: snapshot.atMs, cpuMs: sum((s) => s.cpuMs), rssBytes: sum((s) => s.rssBytes), runQueueWaitMs: sum((s) => s.runQueueWaitMs) };
  }

  async stop(): Promise<void> {
    if (!live.delete(this)) return;
    await Promise.allSettled(this.instances.map((instance) => instance.stop()));
    await Promise.allSettled([this.redis?.stop(), this.postgres?.stop()]);
    if (this.postgresDir) fs.rmSync(this.postgresDir, { recursive: true, force: true });
  }

  /** From a process 'exit' handler: redis-server and PostgreSQL have their own (SIGKILL / SIGINT). */
  removeFilesSync(): void {
    if (this.postgresDir) fs.rmSync(this.postgresDir, { recursive: true, force: true });
  }
}

export async function stopAllDeployments(): Promise<void> {
  await Promise.allSettled([...live].map((deployment) => deployment.stop()));
}

export function removeAllFilesSync(): void {
  for (const deployment of live) {
    try {
      deployment.removeFilesSync();
    } catch {
      // PostgreSQL may still be writing as it shuts down; /tmp is cleaned eventually.
    }
  }
}
