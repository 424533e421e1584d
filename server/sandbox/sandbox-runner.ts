// Executes one run of any language in the process sandbox: warm sandbox if one is ready,
// cold otherwise. Each sandbox serves one run and is discarded.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { RunImage } from '../../shared/run.ts';
import type { Language } from '../../shared/room.ts';
import type { GradedCall } from '../grading/graded-call.ts';
import type { ExecutedRun, RunJob } from '../runs/executor.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { detectCgroups } from './cgroup.ts';
import { executeInSandbox } from './execute.ts';
import type { HarnessPayload, LanguageRuntime, RuntimeHelpers } from './languages/language.ts';
import { launchSandbox, runtimeLimits, type SandboxHost } from './launch.ts';
import { limitsFromConfig } from './limits.ts';
import { SANDBOX_LANGUAGES, sandboxRuntimes } from './runtimes.ts';
import { UidPool } from './uid-pool.ts';
import { WarmPool } from './warm-pool.ts';

/** A run as the sandbox executes it: any language, SQL included. */
export type SandboxJob = RunJob;

export type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

/** Images a run may send (figures), and their total size. */
const MAX_IMAGE_FRAMES = 8;
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export class SandboxRunner {
  readonly host: SandboxHost;
  private readonly runtimes: Record<Language, LanguageRuntime>;
  private readonly pool: WarmPool | undefined;
  private activeRuns = 0;

  constructor(config: Config, log?: Pick<Logger, 'warn'>) {
    const root = process.getuid?.() === 0;
    this.runtimes = sandboxRuntimes(config, process.execPath);
    // RUN_WARM_POOL_SIZE=0 turns every pool off, so one setting gives a pool-less server.
    const poolSizes = Object.fromEntries(
      SANDBOX_LANGUAGES.map((language) => [language, config.RUN_WARM_POOL_SIZE === 0 ? 0 : (this.runtimes[language].warmPoolSize ?? config.RUN_WARM_POOL_SIZE)]),
    ) as Record<Language, number>;
    const pooled = Object.values(poolSizes).reduce((sum, size) => sum + size, 0);
    this.host = {
      bwrapPath: config.SANDBOX_BWRAP_PATH,
      cgroups: detectCgroups(),
      // Runs, warm sandboxes, and a few whose uid is released only once their processes are gone.
      uids: root ? new UidPool(config.SANDBOX_UID_BASE, config.RUN_CONCURRENCY + pooled + 4) : undefined,
      env: config.sandboxEnv,
      limits: limitsFromConfig(config),
    };
    this.pool = pooled > 0 ? new WarmPool(poolSizes, (language) => this.launch(language, true), () => this.activeRuns === 0) : undefined;
    if (this.pool) {
      for (const language of SANDBOX_LANGUAGES) {
        if (poolSizes[language] > 0) {
          void this.runtimes[language].warmUp?.(this.helpers(language)).catch((error: unknown) => log?.warn({ err: error }, `warming up ${language} failed`));
        }
      }
    }
  }

  private launch(language: Language, warm: boolean) {
    return launchSandbox(this.host, this.runtimes[language], { warm });
  }

  /** Helper jobs of a descriptor (a dataset dump): a fresh cold sandbox, nothing streamed anywhere. */
  private helpers(language: Language): RuntimeHelpers {
    return {
      helperRun: async (payload, options) => {
        const runtime = this.runtimes[language];
        const { result, frames } = await executeInSandbox(this.launch(language, false), {
          runId: `helper-${language}`,
          language,
          payload: JSON.stringify(payload),
          stdin: '',
          limits: { ...runtimeLimits(this.host, runtime), timeoutMs: options.timeoutMs },
          onOutput: () => undefined,
          memoryErrorPattern: runtime.memoryErrorPattern,
          maxFrames: 1,
          maxFrameBytes: options.maxFrameBytes,
        });
        if (result.status !== 'ok') throw new Error(`${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
        return frames;
      },
    };
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
    const fields = runtime.jobFields ? await runtime.jobFields(job, this.helpers(job.language)) : {};
    const payload: HarnessPayload = { ...fields, code: prepared.code, grade: job.grade };
    const sandbox = this.pool?.take(job.language) ?? this.launch(job.language, false);
    this.activeRuns += 1;
    const { result, frames } = await executeInSandbox(sandbox, {
      runId: job.runId,
      language: job.language,
      payload: JSON.stringify(payload),
      stdin: job.stdin,
      limits: runtimeLimits(this.host, runtime),
      onOutput,
      memoryErrorPattern: runtime.memoryErrorPattern,
      // A graded run may send one frame per case, as each finishes.
      maxFrames: job.grade ? job.grade.cases.length + 1 : MAX_IMAGE_FRAMES,
      maxFrameBytes: MAX_FRAME_BYTES,
    }).finally(() => {
      this.activeRuns -= 1;
    });
    if (job.grade) return { ...result, graded: parseGraded(frames) };
    if (frames.length > 0) result.images = frames.map((png): RunImage => ({ mimeType: 'image/png', data: png.toString('base64') }));
    return result;
  }

  close(): void {
    this.pool?.close();
  }
}

/**
 * The harness's grading frames: one array of every case's outcome, or one outcome per frame.
 * Anything else (nothing, garbage from the program) grades as no results.
 */
function parseGraded(frames: Buffer[]): GradedCall[] {
  return frames.flatMap((frame) => {
    try {
      const parsed: unknown = JSON.parse(frame.toString('utf8'));
      if (Array.isArray(parsed)) return parsed as GradedCall[];
      return parsed && typeof parsed === 'object' && 'name' in parsed ? [parsed as GradedCall] : [];
    } catch {
      return [];
    }
  });
}

export type SandboxAvailability = { ok: true; memoryCap: string } | { ok: false; message: string };

/** Checks that bubblewrap can start a sandbox here, and says how to fix it when not. */
export async function checkSandbox(config: Config): Promise<SandboxAvailability> {
  if (!fs.existsSync(config.SANDBOX_BWRAP_PATH)) {
    return { ok: false, message: `Running code needs bubblewrap (${config.SANDBOX_BWRAP_PATH} not found): apt-get install -y bubblewrap` };
  }
  try {
    // --disable-userns needs bubblewrap 0.8: an older one fails here rather than on every run.
    await promisify(execFile)(config.SANDBOX_BWRAP_PATH, ['--unshare-all', '--unshare-user', '--disable-userns', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--', '/usr/bin/true'], { env: {}, timeout: 10_000 });
  } catch (error) {
    return { ok: false, message: `bubblewrap cannot create a sandbox here (${(error as Error).message.trim()}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1).` };
  }
  const cgroups = detectCgroups();
  return { ok: true, memoryCap: cgroups ? `cgroup ${cgroups.kind}` : 'none (no writable cgroup: run as root for memory and process caps)' };
}
