import type { LanguageRuntime } from './language.ts';

// Runs inside the sandbox: reads {"code"} as JSON from fd 3, saves the code in the run's private /tmp,
// and loads it as a CommonJS module so stack traces point at main.js.
const HARNESS = String.raw`
const fs = require('fs');
if (process.argv[1] === 'warm') fs.writeSync(4, 'R'); // tells the warm pool this runtime is loaded
const chunks = [];
const buffer = Buffer.alloc(65536);
for (;;) {
  let n;
  try { n = fs.readSync(3, buffer, 0, buffer.length, null); }
  catch (error) { if (error.code === 'EAGAIN') continue; throw error; }
  if (n === 0) break;
  chunks.push(Buffer.from(buffer.subarray(0, n)));
}
fs.closeSync(3);
fs.writeFileSync('/tmp/main.js', JSON.parse(Buffer.concat(chunks).toString('utf8')).code);
process.argv = [process.argv[0], '/tmp/main.js'];
require('/tmp/main.js');
`;

export function javascriptRuntime(node: string): LanguageRuntime {
  return {
    id: 'javascript',
    // The binary alone: it links only libc, libstdc++ and friends, which every sandbox has.
    mounts: [{ path: node }],
    memoryErrorPattern: /JavaScript heap out of memory|Reached heap limit/,
    // Small heap: the cgroup is the real memory cap, this just makes V8 fail politely first.
    command: ({ warm }) => [node, '--max-old-space-size=384', '--stack-size=2048', '-e', HARNESS, warm ? 'warm' : 'cold'],
  };
}

