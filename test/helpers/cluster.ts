// Multi-instance mode for tests: a real redis-server and PostgreSQL on random ports, server
// instances as child processes sharing them, and optionally the round-robin proxy in front.
import { afterAll, beforeAll } from 'vitest';
import * as Y from 'yjs';
import { openPostgresStore } from '../../server/persistence/postgres-store.ts';
import { startRoundRobinProxy } from '../../server/cluster/round-robin-proxy.ts';
import { startTestPostgres, type TestPostgres } from './postgres.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './server.ts';
import { POSTGRES, REDIS_SERVER, requireProgram } from './system.ts';
import { Cleanup } from './wait-for.ts';

export interface TestCluster {
  redis: TestRedis;
  postgres: TestPostgres;
  instances: ServerProcess[];
  /** Round-robin proxy over the instances (skips ones that are down). */
  proxyHttpUrl: string;
  proxyWsUrl: string;
  /** Starts one more instance on the same Redis and database. */
  addInstance(options?: { nodeArgs?: string[] }): Promise<ServerProcess>;
  close(): Promise<void>;
}

/** True when redis-server and PostgreSQL are installed (under CI: throws naming the packages). */
export const clusterProgramsReady = (): boolean => [REDIS_SERVER, POSTGRES].map(requireProgram).every(Boolean);

export async function startTestCluster(options: { instances?: number; env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<TestCluster> {
  const [redis, postgres] = await Promise.all([startRedis(), startTestPostgres()]);
  const instances: ServerProcess[] = [];
  const addInstance = async (extra: { nodeArgs?: string[] } = {}) => {
    const instance = await startServerProcess(
      tempDataDir('cluster-instance-'),
      { REDIS_URL: redis.url, DATABASE_URL: postgres.url, LOG_LEVEL: 'info', ...options.env },
      { nodeArgs: extra.nodeArgs ?? options.nodeArgs },
    );
    instances.push(instance);
    return instance;
  };
  try {
    // One at a time: the first creates the schema.
    for (let i = 0; i < (options.instances ?? 2); i++) await addInstance();
  } catch (error) {
    await Promise.allSettled([...instances.map((i) => i.kill9()), redis.stop(), postgres.stop()]);
    throw error;
  }
  const proxy = await startRoundRobinProxy({
    host: '127.0.0.1',
    port: 0,
    backends: instances.map((instance) => ({ host: '127.0.0.1', port: instance.port })),
  });
  return {
    redis,
    postgres,
    instances,
    proxyHttpUrl: `http://127.0.0.1:${proxy.port}`,
    proxyWsUrl: `ws://127.0.0.1:${proxy.port}`,
    addInstance,
    async close() {
      await proxy.close();
      await Promise.allSettled(instances.map((instance) => (instance.child.exitCode === null ? instance.kill9() : undefined)));
      await Promise.allSettled([redis.stop(), postgres.stop()]);
    },
  };
}

/** A room's code text as the shared database holds it (what a fresh load would show). */
export async function storedText(postgresUrl: string, roomId: string): Promise<string> {
  const store = await openPostgresStore(postgresUrl, { poolSize: 1 });
  try {
    const stored = await store.loadDocState(roomId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.state);
    for (const logged of stored.updates) Y.applyUpdate(doc, logged.update);
    const text = doc.getText('code').toString();
    doc.destroy();
    return text;
  } finally {
    await store.close();
  }
}

/** Documents an instance has loaded, from its health answer. */
export async function roomsLoaded(httpUrl: string): Promise<number> {
  const health = (await (await fetch(`${httpUrl}/healthz`)).json()) as { roomsLoaded: number };
  return health.roomsLoaded;
}

export interface ClusterFixture {
  /** False (outside CI) when redis-server or PostgreSQL is missing: use with describe.skipIf. */
  ready: boolean;
  /** Steps run after the file's tests, before the cluster stops (clients, proxies). */
  cleanup: Cleanup;
  readonly cluster: TestCluster;
  /** The first two instances. */
  pair(): [ServerProcess, ServerProcess];
}

/** A cluster for one test file: started before its tests, stopped after them. */
export function clusterFixture(options: Parameters<typeof startTestCluster>[0] = {}): ClusterFixture {
  const ready = clusterProgramsReady();
  const cleanup = new Cleanup();
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    if (ready) cluster = await startTestCluster(options);
  });
  afterAll(async () => {
    await cleanup.run();
    await cluster?.close();
  });
  const started = () => {
    if (!cluster) throw new Error('the cluster is not started');
    return cluster;
  };
  return {
    ready,
    cleanup,
    get cluster() {
      return started();
    },
    pair: () => started().instances.slice(0, 2) as [ServerProcess, ServerProcess],
  };
}
