// Hostile programs through the real SandboxRunner: each is contained, reported with a clear
// status, leaves no process behind, and cannot see or touch the host (files, environment,
// network, other processes, other runs). Runners use a private uid range (see
// test/helpers/sandbox.ts), so "no process remains" counts only processes of these runs.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { BWRAP, PYTHON3 } from '../helpers/sandbox-programs.ts';
import {
  largestLiveGroup,
  liveProcessesOf,
  runCgroupsHoldingProcessesOf,
  samplePeak,
  startSandboxRunner,
  waitForNoLiveProcesses,
  type TestRunner,
} from '../helpers/sandbox.ts';
import { REPO_ROOT, tempDataDir } from '../helpers/server.ts';
import { requireProgram } from '../helpers/system.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SECRET_VALUE = `s3cret-${process.pid}-${Date.now()}`;
const MAX_PROCESSES = 64;
const OUTPUT_MAX_BYTES = 64 * 1024;
const FILE_MAX_BYTES = 16 * 1024 * 1024;
const MEMORY_BYTES = 192 * 1024 * 1024;

const FORK_BOMB = ['import os', 'while True:', '    try:', '        os.fork()', '    except OSError:', '        pass'].join('\n');

describe.skipIf(!(requireProgram(BWRAP) && requireProgram(PYTHON3)))('hostile programs in the sandbox', () => {
  /** Short wall-clock limit: for programs that are meant to be stopped. */
  let quick: TestRunner;
  /** Longer limit: for programs that must still be running while the test does something else. */
  let patient: TestRunner;
  let dataDir: string;

  beforeAll(async () => {
    // Set before the runners exist, and the whole environment goes through the server's config.
    process.env.SECRET_FOR_TEST = SECRET_VALUE;
    const limits = {
      RUN_WARM_POOL_SIZE: '0',
      RUN_MAX_PROCESSES: String(MAX_PROCESSES),
      RUN_OUTPUT_MAX_BYTES: String(OUTPUT_MAX_BYTES),
      RUN_FILE_MAX_BYTES: String(FILE_MAX_BYTES),
      RUN_MEMORY_BYTES: String(MEMORY_BYTES),
    };
    quick = startSandboxRunner({ ...process.env, ...limits, RUN_TIMEOUT_MS: '1500' });
    patient = startSandboxRunner({ ...process.env, ...limits, RUN_TIMEOUT_MS: '4000' });
    // A data folder with the server's real database in it.
    dataDir = tempDataDir('sandbox-secrets-');
    await openSqliteStore(dataDir).close();
  });

  afterEach(async () => {
    // Every test leaves the host as it found it, so the next one starts from zero.
    await waitForNoLiveProcesses(quick.uids);
    await waitForNoLiveProcesses(patient.uids);
  });

  afterAll(() => {
    quick?.close();
    patient?.close();
    delete process.env.SECRET_FOR_TEST;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('process limits', () => {
    test('a python fork bomb is capped at RUN_MAX_PROCESSES, stopped, and the host process count returns to baseline', async () => {
      const baseline = liveProcessesOf(quick.uids).length;
      expect(baseline).toBe(0);
      const sampler = samplePeak(quick.uids);
      const result = await quick.run('python', FORK_BOMB);
      const peak = sampler.stop();
      expect(result.status).not.toBe('ok');
      expect(result.status).toBe('timeout');
      expect(result.signal).toBe('SIGKILL');
      // It did fork (the cap was reached), and never beyond the cap.
      expect(peak).toBeGreaterThan(MAX_PROCESSES / 2);
      expect(peak).toBeLessThanOrEqual(MAX_PROCESSES);
      await waitForNoLiveProcesses(quick.uids);
      expect(liveProcessesOf(quick.uids).length).toBe(baseline);
    });

    test('a bash fork bomb started through subprocess is bounded and leaves nothing behind', async () => {
      const code = [
        'import subprocess, time',
        'subprocess.Popen(["bash", "-c", ":(){ :|:& };:"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)',
        'time.sleep(0.8)',
        'print("parent still alive")',
      ].join('\n');
      const sampler = samplePeak(quick.uids);
      const result = await quick.run('python', code);
      const peak = sampler.stop();
      expect(['ok', 'timeout', 'error']).toContain(result.status);
      expect(peak).toBeGreaterThan(MAX_PROCESSES / 2);
      expect(peak).toBeLessThanOrEqual(MAX_PROCESSES);
      await waitForNoLiveProcesses(quick.uids);
    });

    test('while a fork bomb runs, a concurrent print(1) in the same runner completes ok', async () => {
      let bombFinished = false;
      const bomb = patient.run('python', FORK_BOMB).finally(() => {
        bombFinished = true;
      });
      // Wait until the bomb is at full strength before asking for the second run.
      await waitFor(() => largestLiveGroup(patient.uids) >= MAX_PROCESSES / 2, 10_000, 'the fork bomb to spread');
      const simple = await patient.run('python', 'print(1)');
      const finishedFirst = !bombFinished;
      expect(simple).toMatchObject({ status: 'ok', stdout: '1\n', exitCode: 0 });
      expect(finishedFirst, 'the simple run finished while the fork bomb was still running').toBe(true);
      const bombResult = await bomb;
      expect(bombResult.status).toBe('timeout');
      await waitForNoLiveProcesses(patient.uids);
    });

    test('a busy child that escapes its parent (double fork + setsid, parent exits 0) ends with the run', async () => {
      const code = [
        'import os',
        'ready_r, ready_w = os.pipe()',
        'if os.fork() == 0:',
        '    os.setsid()',
        '    if os.fork() == 0:',
        '        os.write(ready_w, b"x")',
        '        while True:',
        '            pass',
        '    os._exit(0)',
        'os.read(ready_r, 1)  # the grandchild is spinning now',
        'print("parent exits")',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result).toMatchObject({ status: 'ok', exitCode: 0, timedOut: false, stdout: 'parent exits\n' });
      await waitForNoLiveProcesses(quick.uids);
    });

    test('background processes left behind (Popen without wait, nohup in a new session) do not survive the run', async () => {
      const code = [
        'import subprocess',
        'subprocess.Popen(["sleep", "1000"])',
        'subprocess.Popen(["nohup", "sleep", "1000"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)',
        'print("left two sleepers")',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'left two sleepers\n' });
      await waitForNoLiveProcesses(quick.uids);
      await waitFor(() => runCgroupsHoldingProcessesOf(quick.uids).length === 0, 10_000, () => `run cgroups to be empty: ${runCgroupsHoldingProcessesOf(quick.uids).join('; ')}`);
    });
  });

  describe('time and memory limits', () => {
    test('a python memory bomb ends with status "memory"', async () => {
      const result = await quick.run('python', 'hoard = []\nwhile True:\n    hoard.append(bytearray(b"x") * 10_000_000)');
      expect(result).toMatchObject({ status: 'memory', exitCode: null, signal: 'SIGKILL', timedOut: false });
    });

    test('a javascript memory bomb ends with status "memory"', async () => {
      const result = await quick.run('javascript', 'const hoard = [];\nfor (;;) hoard.push(Buffer.alloc(10_000_000, 1));');
      expect(result.status).toBe('memory');
      expect(result.timedOut).toBe(false);
    });

    test('an infinite loop ends with status "timeout"', async () => {
      for (const [language, code] of [
        ['python', 'while True:\n    pass'],
        ['javascript', 'for (;;) {}'],
      ] as const) {
        const result = await quick.run(language, code);
        expect(result, language).toMatchObject({ status: 'timeout', timedOut: true, exitCode: null, signal: 'SIGKILL' });
      }
    });

    test('sleeping forever ends with status "timeout"', async () => {
      const result = await quick.run('python', 'import time\nprint("going to sleep", flush=True)\ntime.sleep(10 ** 6)');
      expect(result).toMatchObject({ status: 'timeout', timedOut: true, stdout: 'going to sleep\n' });
    });
  });

  describe('output and disk', () => {
    test('gigabytes of stdout end with "output-limit", truncated, and at most RUN_OUTPUT_MAX_BYTES kept', async () => {
      const code = 'import sys\nchunk = "x" * (1 << 20)\nfor _ in range(4096):\n    sys.stdout.write(chunk)\nprint("finished")';
      const result = await quick.run('python', code);
      expect(result).toMatchObject({ status: 'output-limit', truncated: true, timedOut: false });
      expect(Buffer.byteLength(result.stdout)).toBeGreaterThan(0);
      expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
      expect(result.stdout).not.toContain('finished');
      expect(Buffer.byteLength(result.streamed)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
    });

    test('a flood on stderr is cut the same way', async () => {
      const result = await quick.run('javascript', "const line = 'e'.repeat(1 << 16);\nfor (let i = 0; i < 65536; i++) process.stderr.write(line);");
      expect(result).toMatchObject({ status: 'output-limit', truncated: true });
      expect(Buffer.byteLength(result.stderr)).toBeLessThanOrEqual(OUTPUT_MAX_BYTES);
    });

    test('one file larger than RUN_FILE_MAX_BYTES cannot be written', async () => {
      const code = 'with open("/tmp/huge.bin", "wb") as f:\n    for _ in range(64):\n        f.write(b"\\0" * (1 << 20))\nprint("wrote 64 MiB")';
      const result = await quick.run('python', code);
      expect(result.status).toBe('error');
      expect(result.stdout).not.toContain('wrote 64 MiB');
      expect(result.stderr).toContain('File too large');
    });

    test('filling /tmp with many files is stopped by the memory cap and never reaches the host disk', async () => {
      const freeBefore = freeBytes();
      const code = [
        'chunk = b"x" * (15 << 20)',
        'for i in range(140):  # about 2 GiB',
        '    with open(f"/tmp/fill-{i}.bin", "wb") as f:',
        '        f.write(chunk)',
        'print("wrote everything")',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status).not.toBe('ok');
      expect(['memory', 'error', 'timeout']).toContain(result.status);
      expect(result.stdout).not.toContain('wrote everything');
      const freeAfter = freeBytes();
      // Other processes may write meanwhile; a sandbox writing to disk would take ~2 GiB.
      for (const [mount, before] of Object.entries(freeBefore)) {
        expect(before - (freeAfter[mount] ?? 0), `free space lost on ${mount}`).toBeLessThan(1024 ** 3);
      }
      expect(fs.readdirSync(os.tmpdir()).filter((name) => /^fill-\d+\.bin$/.test(name))).toEqual([]);
    });
  });

  describe('host secrets', () => {
    test('/etc/shadow, the server source and the SQLite database are not readable', async () => {
      const targets = ['/etc/shadow', path.join(REPO_ROOT, 'server/app.ts'), path.join(REPO_ROOT, 'package.json'), path.join(dataDir, 'rooms.sqlite')];
      // They exist and the server can read them: the sandbox is what stops the program.
      for (const target of targets) expect(fs.readFileSync(target).length, target).toBeGreaterThan(0);
      const code = [
        'import json',
        `targets = ${JSON.stringify(targets)}`,
        'outcome = {}',
        'for target in targets:',
        '    try:',
        '        with open(target, "rb") as f:',
        '            outcome[target] = "read %d bytes" % len(f.read())',
        '    except OSError as error:',
        '        outcome[target] = type(error).__name__',
        'print(json.dumps(outcome))',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status).toBe('ok');
      const outcome = JSON.parse(result.stdout) as Record<string, string>;
      for (const target of targets) expect(outcome[target], target).not.toMatch(/^read/);
    });

    test('the file system holds only the system directories, an almost empty /etc and a private /tmp', async () => {
      const code = `import json, os\nprint(json.dumps({"root": sorted(os.listdir("/")), "etc": sorted(os.listdir("/etc")), "tmp": sorted(os.listdir("/tmp")), "repo": os.path.exists(${JSON.stringify(REPO_ROOT)})}))`;
      const result = await quick.run('python', code);
      expect(result.status).toBe('ok');
      const seen = JSON.parse(result.stdout) as { root: string[]; etc: string[]; tmp: string[]; repo: boolean };
      for (const entry of seen.root) expect(['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr']).toContain(entry);
      for (const entry of seen.etc) expect(['alternatives', 'fonts', 'ld.so.cache', 'matplotlibrc']).toContain(entry);
      // The server's checkout is invisible wherever it lives (CI clones under /tmp).
      expect(seen.repo).toBe(false);
      expect(seen.tmp.filter((name) => !name.startsWith('.') && name !== 'main.js')).toEqual([]);
    });

    test('a secret environment variable of the server is absent from os.environ, /proc/1/environ and /proc/self/environ', async () => {
      const code = [
        'import json, os',
        'def environ_of(path):',
        '    try:',
        '        with open(path, "rb") as f:',
        '            return f.read().decode("utf-8", "replace")',
        '    except OSError as error:',
        '        return type(error).__name__',
        'every = {pid: environ_of(f"/proc/{pid}/environ") for pid in os.listdir("/proc") if pid.isdigit()}',
        'print(json.dumps({"os": dict(os.environ), "init": environ_of("/proc/1/environ"), "self": environ_of("/proc/self/environ"), "every": every}))',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status).toBe('ok');
      const seen = JSON.parse(result.stdout) as { os: Record<string, string>; init: string; self: string; every: Record<string, string> };
      expect(Object.keys(seen.os)).not.toContain('SECRET_FOR_TEST');
      expect(Object.values(seen.os)).not.toContain(SECRET_VALUE);
      expect(seen.init).not.toContain(SECRET_VALUE);
      expect(seen.self).toContain('PATH='); // it did read its own environment
      expect(seen.self).not.toContain(SECRET_VALUE);
      expect(result.stdout).not.toContain('SECRET_FOR_TEST');
      expect(result.stdout).not.toContain(SECRET_VALUE);
    });

    test("/proc/1/environ inside the sandbox does not reveal the server's working directory", async () => {
      // bwrap's own environment is what the sandbox's PID 1 shows; it must inherit nothing
      // from the server, not even a PWD set on the way by the launcher's shell.
      const serverCwd = process.cwd();
      expect(serverCwd).not.toBe('/');
      const result = await quick.run('python', 'print(open("/proc/1/environ", "rb").read().decode())');
      expect(result.status).toBe('ok');
      expect(result.stdout.split('\0')).not.toContain(`PWD=${serverCwd}`);
      expect(result.stdout).not.toContain(serverCwd);
    });
  });

  describe('a narrow, read-only file system and no nested user namespaces', () => {
    test('a new user namespace (what unshare -r asks for) is refused inside a run', async () => {
      const code = [
        'import ctypes, json',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'CLONE_NEWUSER = 0x10000000',
        'print(json.dumps([libc.unshare(CLONE_NEWUSER), ctypes.get_errno()]))',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status, result.stderr).toBe('ok');
      const [returned, errno] = JSON.parse(result.stdout) as [number, number];
      expect(returned).toBe(-1);
      expect(errno).not.toBe(0);
    });

    test('/usr/local and the rest of /usr beyond what Python needs are not visible, and / and /usr cannot be written', async () => {
      // They exist on the host: the sandbox is what hides them.
      expect(fs.existsSync('/usr/local')).toBe(true);
      const code = [
        'import json, os',
        'outcome = {"usr": sorted(os.listdir("/usr")), "local": os.path.exists("/usr/local")}',
        'for target in ["/written-by-run", "/usr/written-by-run", "/etc/written-by-run"]:',
        '    try:',
        '        with open(target, "w") as f:',
        '            f.write("x")',
        '        outcome[target] = "written"',
        '    except OSError as error:',
        '        outcome[target] = type(error).__name__',
        'print(json.dumps(outcome))',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status, result.stderr).toBe('ok');
      const outcome = JSON.parse(result.stdout) as Record<string, unknown> & { usr: string[]; local: boolean };
      expect(outcome.local).toBe(false);
      for (const entry of outcome.usr) expect(['bin', 'lib', 'lib64', 'share']).toContain(entry);
      for (const target of ['/written-by-run', '/usr/written-by-run', '/etc/written-by-run']) expect(outcome[target], target).not.toBe('written');
    });

    test('/dev/shm serves multiprocessing and joblib workers, and is a small tmpfs of its own, not the host one', async () => {
      const hostMarker = `/dev/shm/host-marker-${process.pid}`;
      fs.writeFileSync(hostMarker, 'host');
      try {
        const code = [
          'import json, os, multiprocessing',
          'from joblib import Parallel, delayed',
          'with multiprocessing.Pool(2) as pool:',
          '    squares = pool.map(abs, [-1, -2, -3])',
          'jobs = Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4))',
          'with open("/dev/shm/from-run", "w") as f:',
          '    f.write("run")',
          'stats = os.statvfs("/dev/shm")',
          `print(json.dumps({"squares": squares, "jobs": jobs, "bytes": stats.f_blocks * stats.f_frsize, "host_marker": os.path.exists(${JSON.stringify(hostMarker)})}))`,
        ].join('\n');
        const result = await patient.run('python', code);
        expect(result.status, result.stderr).toBe('ok');
        const outcome = JSON.parse(result.stdout) as { squares: number[]; jobs: number[]; bytes: number; host_marker: boolean };
        expect(outcome.squares).toEqual([1, 2, 3]);
        expect(outcome.jobs).toEqual([0, 1, 2, 3]);
        expect(outcome.host_marker).toBe(false);
        expect(outcome.bytes).toBeLessThanOrEqual(MEMORY_BYTES);
        expect(fs.existsSync('/dev/shm/from-run')).toBe(false);
      } finally {
        fs.rmSync(hostMarker, { force: true });
      }
    });
  });

  describe('isolation from other runs, the network and host processes', () => {
    test("a run cannot see another concurrent run's /tmp files", async () => {
      let announceWritten: () => void = () => undefined;
      const written = new Promise<void>((resolve) => (announceWritten = resolve));
      let aFinished = false;
      const runA = patient
        .run('python', 'import time\nwith open("/tmp/x", "w") as f:\n    f.write("from run A")\nprint("A wrote /tmp/x", flush=True)\ntime.sleep(2.5)\nprint("A done")', '', (_stream, text) => {
          if (text.includes('A wrote')) announceWritten();
        })
        .finally(() => {
          aFinished = true;
        });
      await written;
      const runB = await patient.run('python', 'import json, os\nprint(json.dumps({"exists": os.path.exists("/tmp/x"), "tmp": sorted(os.listdir("/tmp"))}))');
      const aStillRunning = !aFinished;
      expect(runB.status).toBe('ok');
      const seen = JSON.parse(runB.stdout) as { exists: boolean; tmp: string[] };
      expect(seen.exists).toBe(false);
      expect(seen.tmp).not.toContain('x');
      expect(aStillRunning, 'run A was still running when run B looked').toBe(true);
      const resultA = await runA;
      expect(resultA).toMatchObject({ status: 'ok', stdout: 'A wrote /tmp/x\nA done\n' });
    });

    describe('network', () => {
      let listener: net.Server;
      let port: number;
      let accepted = 0;
      beforeAll(async () => {
        listener = net.createServer((socket) => {
          accepted += 1;
          socket.on('error', () => undefined); // the host's own probe resets it
          socket.end('hello from the host\n');
        });
        await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
        port = (listener.address() as net.AddressInfo).port;
      });
      afterAll(() => new Promise<void>((resolve) => listener?.close(() => resolve())));

      test('TCP to a port the host listens on (loopback and its own addresses) and to 1.1.1.1:80 fails, and DNS fails', async () => {
        // The listener works: the host itself can connect.
        const own = await new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket)).on('error', reject);
        });
        own.destroy();
        await waitFor(() => accepted === 1, 5_000, 'the host connecting to its own listener');
        const hostAddresses = Object.values(os.networkInterfaces())
          .flat()
          .filter((address) => address && address.family === 'IPv4' && !address.internal)
          .map((address) => address!.address);
        const targets = [['127.0.0.1', port], ['1.1.1.1', 80], ...hostAddresses.map((address) => [address, port])];
        const code = [
          'import json, socket',
          `targets = ${JSON.stringify(targets)}`,
          'outcome = {}',
          'for host, port in targets:',
          '    try:',
          '        socket.create_connection((host, port), timeout=1).close()',
          '        outcome[f"{host}:{port}"] = "connected"',
          '    except OSError as error:',
          '        outcome[f"{host}:{port}"] = "failed: " + type(error).__name__',
          'try:',
          '    outcome["dns"] = "resolved " + str(socket.getaddrinfo("example.com", 80))',
          'except OSError as error:',
          '    outcome["dns"] = "failed: " + type(error).__name__',
          'print(json.dumps(outcome))',
        ].join('\n');
        const result = await patient.run('python', code);
        expect(result.status, result.stderr).toBe('ok');
        const outcome = JSON.parse(result.stdout) as Record<string, string>;
        expect(Object.keys(outcome)).toHaveLength(targets.length + 1);
        for (const [target, what] of Object.entries(outcome)) expect(what, target).toMatch(/^failed: /);
        expect(accepted).toBe(1);
      });
    });

    test("kill -9 and ptrace of the server's own PID fail, and the server survives", async () => {
      const code = [
        'import ctypes, json, os, subprocess',
        `pid = ${process.pid}`,
        'outcome = {"visible": os.path.exists(f"/proc/{pid}")}',
        'outcome["kill_command"] = subprocess.run(["sh", "-c", f"kill -9 {pid}"], stderr=subprocess.DEVNULL).returncode',
        'try:',
        '    os.kill(pid, 9)',
        '    outcome["os_kill"] = "sent"',
        'except OSError as error:',
        '    outcome["os_kill"] = type(error).__name__',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]',
        'outcome["ptrace"] = [libc.ptrace(16, pid, None, None), ctypes.get_errno()]  # PTRACE_ATTACH',
        'print(json.dumps(outcome))',
      ].join('\n');
      const result = await quick.run('python', code);
      expect(result.status, result.stderr).toBe('ok');
      const outcome = JSON.parse(result.stdout) as { visible: boolean; kill_command: number; os_kill: string; ptrace: [number, number] };
      expect(outcome.visible).toBe(false);
      expect(outcome.kill_command).not.toBe(0);
      expect(outcome.os_kill).toBe('ProcessLookupError');
      expect(outcome.ptrace[0]).toBe(-1);
      expect([1, 3]).toContain(outcome.ptrace[1]); // EPERM or ESRCH
      // Still here, and still able to run code.
      expect(() => process.kill(process.pid, 0)).not.toThrow();
      expect((await quick.run('python', 'print("after")')).stdout).toBe('after\n');
    });
  });
});

/** Free bytes of the file systems that hold the host's /tmp and the repository. */
function freeBytes(): Record<string, number> {
  const free: Record<string, number> = {};
  for (const mount of [os.tmpdir(), REPO_ROOT]) {
    const stats = fs.statfsSync(mount);
    free[mount] = stats.bavail * stats.bsize;
  }
  return free;
}
