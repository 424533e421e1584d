// A throwaway PostgreSQL server from Debian's `postgresql` package, for `npm run cluster` and
// tests: initdb on first use of a data folder, the postmaster on 127.0.0.1, a database
// `interview` for user `interview` (trust authentication: local development only).
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` account (made by the
// package) or `nobody`, through setpriv (util-linux).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

export interface LocalPostgres {
  /** postgres://interview@127.0.0.1:<port>/interview */
  url: string;
  port: number;
  /** The postmaster. */
  process: ChildProcess;
  /** Fast shutdown (SIGINT: clients are disconnected, a checkpoint is written); resolves once it exited. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** The cluster's folder: created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** Default: a free port. */
  port?: number;
  /** fsync off (and no synchronous commit): for tests, whose data is thrown away. */
  fast?: boolean;
  /** Default 200. */
  maxConnections?: number;
}

export const POSTGRES_MISSING = 'PostgreSQL is not installed: apt-get install -y postgresql';
const SETPRIV = '/usr/bin/setpriv';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/** The bin folder of the newest installed PostgreSQL (/usr/lib/postgresql/<version>/bin), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  const newest = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : path.join(root, newest, 'bin');
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The unprivileged account to run as when this process is root; undefined otherwise. */
function unprivilegedAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let passwd = '';
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    // fall through to nobody's usual ids
  }
  const accounts = new Map(
    passwd
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4)
      .map((fields) => [fields[0]!, { name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]) }] as const),
  );
  return accounts.get('postgres') ?? accounts.get('nobody') ?? { name: 'nobody', uid: 65534, gid: 65534 };
}

/**
 * The command line for a PostgreSQL program: as root, dropped to the account; with setpriv
 * available, it also gets a parent-death signal so it does not outlive this process even when
 * this process is SIGKILLed (the 'exit' handler covers ordinary exits).
 */
function commandLine(bin: string, args: string[], account: Account | undefined, deathSignal?: 'SIGINT'): [string, string[]] {
  const hasSetpriv = fs.existsSync(SETPRIV);
  if (account && !hasSetpriv) throw new Error('PostgreSQL cannot run as root and setpriv is missing: apt-get install -y util-linux');
  if (!hasSetpriv || (!account && !deathSignal)) return [bin, args];
  const privileges = account ? [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups'] : [];
  const death = deathSignal ? [`--pdeathsig=${deathSignal}`] : [];
  return [SETPRIV, [...privileges, ...death, '--', bin, ...args]];
}


function run(label: string, file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // The error's message holds the command and its stderr already.
      if (error) reject(new Error(`${label} failed: ${error.message.trim()}\n${stdout}`));
      else resolve();
    });
  });
}

/** Polls until our server answers (not another one that holds the port: it checks the data folder). */
async function waitUntilAccepting(url: string, dataDir: string, log: () => string, exitCode: () => number | null): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const code = exitCode();
    if (code !== null) throw new Error(`PostgreSQL exited (code ${code}) while starting:\n${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ dir: string }>('SELECT current_setting($1) AS dir', ['data_directory']);
      if (rows[0]?.dir !== dataDir && rows[0]?.dir !== fs.realpathSync(dataDir)) throw new Error(`port taken by another PostgreSQL server (data in ${rows[0]?.dir})`);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s (${(error as Error).message}):\n${log()}`);
      }
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const account = unprivilegedAccount();
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());

  // Parents with the usual mode (the server's account must be able to reach the folder),
  // the folder itself private, as PostgreSQL requires.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { mode: 0o700 });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (account) fs.chownSync(dataDir, account.uid, account.gid);
    fs.chmodSync(dataDir, 0o700);
    const initdbArgs = ['-D', dataDir, '--auth=trust', '--username=interview', '-E', 'UTF8', '--no-locale'];
    if (options.fast) initdbArgs.push('--no-sync');
    const [file, args] = commandLine(path.join(bin, 'initdb'), initdbArgs, account);
    try {
      await run('initdb', file, args, dataDir);
    } catch (error) {
      const hint = account ? `\n(initdb runs as "${account.name}": every folder above ${dataDir} must be searchable by it)` : '';
      throw new Error(`${(error as Error).message}${hint}`);
    }
  }

  const settings = [
    `listen_addresses=127.0.0.1`,
    `unix_socket_directories=${dataDir}`,
    `max_connections=${options.maxConnections ?? 200}`,
    ...(options.fast ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ].flatMap((setting) => ['-c', setting]);
  const [file, args] = commandLine(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...settings], account, 'SIGINT');
  // setpriv execs the postmaster, so the child's pid is the postmaster's and signals reach it.
  const child = spawn(file, args, { cwd: dataDir, detached: false, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  // Keep reading (a full pipe would block the server's logging); keep the tail for errors.
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`spawn failed: ${error.message}\n`)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let spawnFailed = false;
  child.once('error', () => (spawnFailed = true));
  const isRunning = () => child.exitCode === null && child.signalCode === null && !spawnFailed;
  // The server dies with this process: on a normal exit here, and by the parent-death signal
  // (setpriv --pdeathsig) when this process is killed.
  const killOnExit = () => {
    if (isRunning()) child.kill('SIGINT');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!isRunning()) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    const adminUrl = `postgres://interview@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(adminUrl, dataDir, () => log, () => (spawnFailed ? -1 : (child.exitCode ?? (child.signalCode ? -1 : null))));
    const admin = new pg.Client({ connectionString: adminUrl });
    admin.on('error', () => {});
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'interview'");
      if (exists.rowCount === 0) await admin.query('CREATE DATABASE interview');
    } finally {
      await admin.end().catch(() => {});
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: `postgres://interview@127.0.0.1:${port}/interview`, port, process: child, stop };
}
