// Executes one run in the process sandbox: warm sandbox if one is ready, cold otherwise.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { RunImage } from '../../shared/run.ts';
import type { GradeRequest, GradedCall } from '../grading/graded-call.ts';
import type { ExecutedRun } from '../runs/executor.ts';
import type { Config } from '../config.ts';
import { detectCgroups } from './cgroup.ts';
import { executeInSandbox } from './execute.ts';
import type { HarnessPayload } from './languages/language.ts';
import { launchSandbox, type SandboxHost } from './launch.ts';
import { limitsFromConfig } from './limits.ts';
import { SANDBOX_LANGUAGES, sandboxRuntimes, type SandboxLanguage } from './runtimes.ts';
import { UidPool } from './uid-pool.ts';
import { WarmPool } from './warm-pool.ts';

export interface SandboxJob {
  runId: string;
  language: SandboxLanguage;
  code: string;
  stdin: string;
  grade?: GradeRequest;
}

export type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

const JS_HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit/;

export class SandboxRunner {
  readonly host: SandboxHost;
  private readonly runtimes: ReturnType<typeof sandboxRuntimes>;
  private readonly pool: WarmPool | undefined;
  private activeRuns = 0;

  constructor(config: Config) {
    const root = process.getuid?.() === 0;
    const slots = config.RUN_CONCURRENCY + config.RUN_WARM_POOL_SIZE * SANDBOX_LANGUAGES.length + 4;
    this.host = {
      bwrapPath: config.SANDBOX_BWRAP_PATH,
      cgroups: detectCgroups(),
      uids: root ? new UidPool(config.SANDBOX_UID_BASE, slots) : undefined,
      env: config.sandboxEnv,
      limits: limitsFromConfig(config),
    };
    this.runtimes = sandboxRuntimes(config.SANDBOX_PYTHON_PATH, process.execPath);
    this.pool =
      config.RUN_WARM_POOL_SIZE > 0
        ? new WarmPool(
            config.RUN_WARM_POOL_SIZE,
            (language) => this.launch(language as SandboxLanguage, true),
            SANDBOX_LANGUAGES,
            () => this.activeRuns === 0,
          )
        : undefined;
  }

  private launch(language: SandboxLanguage, warm: boolean) {
    return launchSandbox(this.host, this.runtimes[language], { warm });
  }

  async run(job: SandboxJob, onOutput: OutputListener): Promise<ExecutedRun> {
    const runtime = this.runtimes[job.language];
    const prepared = runtime.prepare ? await runtime.prepare(job.code) : { ok: true as const, code: job.code };
    if (!prepared.ok) {
      onOutput('stderr', prepared.stderr);
      return {
        runId: job.runId,
        language: job.language,
        status: 'error',
        stdout: '',
        stderr: prepared.stderr,
        exitCode: 1,
        signal: null,
        timedOut: false,
        durationMs: 0,
        truncated: false,
      };
    }
    const payload: HarnessPayload = { code: prepared.code };
    if (job.grade?.kind === 'code') payload.grade = { entry: job.grade.entry, cases: job.grade.cases };
    const sandbox = this.pool?.take(job.language) ?? this.launch(job.language, false);
    this.activeRuns += 1;
    const { result, frames } = await executeInSandbox(sandbox, {
      runId: job.runId,
      language: job.language,
      payload: JSON.stringify(payload),
      stdin: job.stdin,
      limits: this.host.limits,
      onOutput,
      memoryErrorPattern: job.language === 'python' ? undefined : JS_HEAP_EXHAUSTED,
    }).finally(() => {
      this.activeRuns -= 1;
    });
    if (payload.grade) return { ...result, graded: parseGraded(frames[0]) };
    if (frames.length > 0) result.images = frames.map((png): RunImage => ({ mimeType: 'image/png', data: png.toString('base64') }));
    return result;
  }

  close(): void {
    this.pool?.close();
  }
}

/** The harness's grading frame; anything else (nothing, garbage from the program) grades as no results. */
function parseGraded(frame: Buffer | undefined): GradedCall[] {
  if (!frame) return [];
  try {
    const parsed: unknown = JSON.parse(frame.toString('utf8'));
    return Array.isArray(parsed) ? (parsed as GradedCall[]) : [];
  } catch {
    return [];
  }
}

export type SandboxAvailability = { ok: true; memoryCap: string } | { ok: false; message: string };

/** Checks that bubblewrap can start a sandbox here, and says how to fix it when not. */
export async function checkSandbox(config: Config): Promise<SandboxAvailability> {
  if (!fs.existsSync(config.SANDBOX_BWRAP_PATH)) {
    return { ok: false, message: `Running code needs bubblewrap (${config.SANDBOX_BWRAP_PATH} not found): apt-get install -y bubblewrap` };
  }
  try {
    await promisify(execFile)(config.SANDBOX_BWRAP_PATH, ['--unshare-all', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--', '/usr/bin/true'], { env: {}, timeout: 10_000 });
  } catch (error) {
    return { ok: false, message: `bubblewrap cannot create a sandbox here (${(error as Error).message.trim()}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1).` };
  }
  const cgroups = detectCgroups();
  return { ok: true, memoryCap: cgroups ? `cgroup ${cgroups.kind}` : 'none (no writable cgroup: run as root for memory and process caps)' };
}
