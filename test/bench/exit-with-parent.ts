// Preloaded (node --import) into every server the benchmark starts. The benchmark holds the
// write end of this process's stdin; if it dies without cleaning up (kill -9), the pipe
// closes and the server shuts itself down instead of lingering on a pinned core, removing
// the temporary data folder the benchmark made for it.
import fs from 'node:fs';

const stopServer = (): void => void process.kill(process.pid, 'SIGTERM');
process.stdin.on('end', stopServer);
process.stdin.on('error', stopServer);
process.stdin.resume();

const tempDir = process.env.BENCH_TEMP_DIR;
if (tempDir) process.on('exit', () => fs.rmSync(tempDir, { recursive: true, force: true }));
