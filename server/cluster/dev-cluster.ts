// `npm run cluster`: multi-instance mode on one machine, to try it or develop against it. A
// local redis-server, a local PostgreSQL (unless DATABASE_URL is given), two instances, and a
// round-robin proxy in front of them on PORT (3000). Ctrl-C stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalPostgres, type LocalPostgres } from './local-postgres.ts';
import { startLocalRedis, type LocalRedis } from './local-redis.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INSTANCES = ['a', 'b'];
const proxyPort = Number(process.env.PORT ?? 3000);
const basePort = Number(process.env.CLUSTER_BASE_PORT ?? proxyPort + 1);
const redisPort = Number(process.env.CLUSTER_REDIS_PORT ?? 6390);
const postgresPort = Number(process.env.CLUSTER_POSTGRES_PORT ?? 5433);

const say = (message: string) => process.stdout.write(`[cluster] ${message}\n`);

let redis: LocalRedis | undefined;
let postgres: LocalPostgres | undefined;
let proxy: RoundRobinProxy | undefined;
const instances: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    await proxy?.close();
    await Promise.all(
      instances.map((child) =>
        child.exitCode !== null ? undefined : new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
      ),
    );
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
  }
  process.exit(code);
}

/** Prefixes each line an instance prints with its name. */
function prefixLines(name: string, stream: NodeJS.ReadableStream | null): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
  });
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the instance at ${url} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the instance at ${url} did not become healthy in 60 s`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/client/index.html'))) {
    say('building the client first (npm run build)…');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  redis = await startLocalRedis(redisPort);
  say(`redis-server on ${redis.url}`);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    postgres = await startLocalPostgres({ dataDir: path.join(ROOT, 'data/cluster-postgres'), port: postgresPort });
    databaseUrl = postgres.url;
    say(`PostgreSQL on ${postgres.url} (data in data/cluster-postgres)`);
  }
  for (const [i, name] of INSTANCES.entries()) {
    const port = basePort + i;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, DATABASE_URL: databaseUrl, DATA_DIR: path.join(ROOT, `data/cluster-${name}`) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    instances.push(child);
    prefixLines(name, child.stdout);
    prefixLines(name, child.stderr);
    child.once('exit', (code) => {
      if (!stopping) say(`instance ${name} exited with ${code}; the proxy sends its clients to the other one`);
    });
    await waitHealthy(`http://127.0.0.1:${port}`, child);
  }
  proxy = await startRoundRobinProxy({
    host: '0.0.0.0',
    port: proxyPort,
    backends: INSTANCES.map((_, i) => ({ host: '127.0.0.1', port: basePort + i })),
  });
  say(
    [
      '',
      `Open http://localhost:${proxyPort}`,
      `  round-robin over instance a (:${basePort}) and b (:${basePort + 1}), sharing Redis and PostgreSQL`,
      '  each connection goes to the next live instance; kill one and clients move to the other',
      '  Ctrl-C stops everything',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));
main().catch((error: unknown) => {
  process.stderr.write(`[cluster] ${(error as Error).message}\n`);
  void stopAll(1);
});
