// A candidate's graded code that goes looking for the hidden test cases (harness globals,
// stack frames, the garbage collector, fd 3) and sends what it finds out through every channel
// it has (return value, exception, prints, the harness's own frame pipe). Whatever it finds,
// nothing of a hidden case may reach the candidate: not over HTTP, not on their socket, not in
// the run history. The interviewer's copy shows what the attack found, so a test cannot pass
// merely because the harvest came back empty.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../shared/run.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, roomSocket, type RoomSocket } from '../helpers/socket-client.ts';
import { BWRAP, requireProgram } from '../helpers/system.ts';
import { withTimeout } from '../helpers/wait-for.ts';

const PROBLEM_ID = 'dedupe-and-rank';
const ENTRY = 'dedupe_and_rank';

// Shared by every attack: ways to find case-shaped data, and a compact encoding of it
// ("name=args|…", JSON without spaces, as the test searches for it).
const HARVEST = String.raw`
import gc, inspect, json, os, struct, sys

def _cases_in(value, found, depth=0):
    if depth > 4:
        return
    if isinstance(value, dict):
        if "args" in value and "name" in value:
            found.append(value)
        for key in ("grade", "cases", "payload"):
            if key in value:
                _cases_in(value[key], found, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value[:200]:
            _cases_in(item, found, depth + 1)
    elif isinstance(value, (bytes, str)) and '"args"' in (value if isinstance(value, str) else value.decode("utf-8", "replace")):
        try:
            _cases_in(json.loads(value), found, depth + 1)
        except Exception:
            pass

def pack(found):
    seen, parts = set(), []
    for case in found:
        text = str(case.get("name")) + "=" + json.dumps(case.get("args"), separators=(",", ":"))
        if text not in seen:
            seen.add(text)
            parts.append(text)
    return "|".join(parts)

def from_globals():
    found = []
    main = sys.modules.get("__main__")
    for value in list(vars(main).values()) if main else []:
        _cases_in(value, found)
    return found

def from_frames():
    found = []
    frame = sys._getframe()
    while frame is not None:
        for scope in (frame.f_locals, frame.f_globals):
            for value in list(scope.values()):
                _cases_in(value, found)
        frame = frame.f_back
    for info in inspect.stack():
        for value in list(info.frame.f_locals.values()):
            _cases_in(value, found)
    return found

def from_gc():
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "args" in obj and "name" in obj:
            found.append(obj)
    return found

def from_fd3():
    # The job arrives on fd 3: read it again, or find the raw bytes the harness read from it.
    found = []
    for attempt in (lambda: os.read(3, 1 << 22), lambda: open("/proc/self/fd/3", "rb").read()):
        try:
            _cases_in(attempt(), found)
        except Exception:
            pass
    main = sys.modules.get("__main__")
    for value in list(vars(main).values()) if main else []:
        if isinstance(value, list) and value and all(isinstance(item, bytes) for item in value):
            value = b"".join(value)
        if isinstance(value, bytes):
            _cases_in(value, found)
    return found

def harvest_all():
    return from_globals() + from_frames() + from_gc() + from_fd3()

def forge_frame(names, text):
    # A grading frame of its own on fd 4, naming every case it knows of or can guess.
    results = [{"name": name, "value": text} for name in names]
    data = json.dumps(results).encode()
    try:
        os.write(4, struct.pack(">I", len(data)) + data)
    except OSError:
        pass
`;

interface Attack {
  name: string;
  body: string;
  /** The harvest finds the hidden cases in the process that grades them (checked on the interviewer's copy). */
  finds: boolean;
}

const ATTACKS: Attack[] = [
  // Channels: each sends out what every harvest below finds.
  { name: 'returns what it finds as its value', body: 'return pack(harvest_all())', finds: true },
  { name: 'raises what it finds as an exception message', body: 'raise ValueError(pack(harvest_all()))', finds: true },
  {
    name: 'prints what it finds to stdout, stderr and the harness frame pipe',
    body: [
      'found = harvest_all()',
      'print(pack(found), flush=True)',
      'print(pack(found), file=sys.stderr, flush=True)',
      'forge_frame([c.get("name") for c in found] + GUESSED_NAMES, pack(found))',
      'return []',
    ].join('\n    '),
    finds: true,
  },
  // Harvests, each on its own through the return value.
  // The harness keeps nothing in module globals (nor is it sys.modules["__main__"]).
  { name: 'reads the harness module globals', body: 'return pack(from_globals())', finds: false },
  { name: 'walks the stack frames (sys._getframe, inspect)', body: 'return pack(from_frames())', finds: true },
  { name: 'scans gc.get_objects()', body: 'return pack(from_gc())', finds: true },
  // The harness closes fd 3 and keeps no raw copy of what it read, so nothing is left to find.
  { name: 'reads fd 3 again or the bytes read from it', body: 'return pack(from_fd3())', finds: false },
];

describe.skipIf(!requireProgram(BWRAP))('hidden test cases stay hidden from hostile graded code', () => {
  let server: TestServer;
  /** Hidden inputs as compact JSON (long ones cut), which the harvest encodes the same way. */
  let secrets: string[];
  let hiddenNames: string[];
  let guessedNames: string[];

  beforeAll(async () => {
    server = await startTestServer();
    const problem = server.app.bank.problems.get(PROBLEM_ID)!;
    if (problem.tests?.kind !== 'code') throw new Error(`${PROBLEM_ID} is no longer a graded Python problem`);
    const cases = problem.tests.cases;
    const hidden = cases.filter((c) => c.hidden);
    // What the candidate may read anyway: the statement and the public cases.
    const visible = `${JSON.stringify(problem.statement)}${JSON.stringify(cases.filter((c) => !c.hidden))}`;
    hiddenNames = hidden.map((c) => c.name);
    const inputs = hidden.map((c) => JSON.stringify(c.args)).map((text) => (text.length > 60 ? text.slice(0, 60) : text));
    secrets = inputs.filter((s) => s.length >= 10 && !visible.includes(s));
    // The project is open source: an attacker knows which names the host might give cases.
    guessedNames = [
      ...cases.filter((c) => !c.hidden).map((c) => c.name),
      ...Array.from({ length: cases.length }, (_, i) => [String(i), `c${i}`, `p${i}`, `h${i}`, `case ${i}`]).flat(),
    ];
  });
  afterAll(async () => server?.close());

  /** A room where the problem is in use; the candidate runs `code` graded, everything they receive is recorded. */
  async function candidateRuns(code: string): Promise<{ candidateSaw: string; interviewerSaw: string; result: RunResult; interviewerResult: RunResult }> {
    const room = await createRoom(server.httpUrl, { title: 'Hidden cases drill' });
    const used = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/problems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${room.interviewerToken}` },
      body: JSON.stringify({ problemId: PROBLEM_ID }),
    });
    expect(used.status).toBe(201);
    const candidateSaw: string[] = [];
    const interviewerSaw: string[] = [];
    const sockets: RoomSocket[] = [];
    const listen = async (token: string, into: string[]) => {
      const socket = roomSocket(server.httpUrl, { roomId: room.roomId, token });
      socket.onAny((event, ...args) => into.push(`${event} ${JSON.stringify(args)}`));
      sockets.push(socket);
      const result = new Promise<RunResult>((resolve) => socket.on('run:result', resolve));
      await connectSocket(socket);
      // Wrapped: an async function returning the promise itself would wait for the result.
      return { result };
    };
    try {
      const results = [await listen(room.candidateToken, candidateSaw), await listen(room.interviewerToken, interviewerSaw)];
      const response = await fetch(`${server.httpUrl}/api/rooms/${room.roomId}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${room.candidateToken}` },
        body: JSON.stringify({ language: 'python', code, problemId: PROBLEM_ID }),
      });
      const body = await response.text();
      candidateSaw.push(body);
      expect(response.status, body).toBe(200);
      const [, interviewerResult] = await withTimeout(Promise.all(results.map((r) => r.result)), 30_000, 'run:result on both sockets');
      // A candidate who joins later gets the run history.
      const late = roomSocket(server.httpUrl, { roomId: room.roomId, token: room.candidateToken });
      sockets.push(late);
      const history = new Promise<void>((resolve) => late.once('run:history', (payload) => resolve(void candidateSaw.push(JSON.stringify(payload)))));
      await connectSocket(late);
      await withTimeout(history, 10_000, 'run:history');
      return { candidateSaw: candidateSaw.join('\n'), interviewerSaw: interviewerSaw.join('\n'), result: JSON.parse(body) as RunResult, interviewerResult: interviewerResult! };
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  }

  const program = (body: string) =>
    `${HARVEST}\nGUESSED_NAMES = ${JSON.stringify(guessedNames)}\n\ndef ${ENTRY}(candidates):\n    ${body}\n`;

  test('the search has something to look for', () => {
    expect(secrets.length).toBeGreaterThan(5);
  });

  for (const attack of ATTACKS) {
    test(`a program that ${attack.name} learns nothing of the hidden cases`, async () => {
      const { candidateSaw, result, interviewerResult } = await candidateRuns(program(attack.body));
      // The run was graded and the candidate saw its public part.
      expect(result.tests?.total).toBeGreaterThan(0);
      expect(candidateSaw).toContain('example from the statement');
      if (attack.finds) {
        // The harvest worked: what the program produced (values, messages, output; not the
        // cases' inputs, which interviewers get anyway) holds hidden inputs, seen by the interviewer.
        const produced = JSON.stringify([interviewerResult.tests?.cases.map((c) => [c.actual, c.message]), interviewerResult.gradingOutput]);
        expect(secrets.some((secret) => produced.includes(secret)), 'the attack found no hidden case').toBe(true);
      }
      // Names are checked by their own test below: this one is about what the attack harvested.
      expect(secrets.filter((secret) => candidateSaw.includes(secret)), 'hidden inputs the candidate received').toEqual([]);
    });
  }

  test('candidates see hidden tests numbered, with pass/fail only; interviewers see their names', async () => {
    const { candidateSaw, interviewerSaw, result } = await candidateRuns(program('return []'));
    const hidden = result.tests!.cases.filter((c) => c.hidden);
    expect(hidden.map((c) => c.name)).toEqual(hiddenNames.map((_, i) => `Hidden test ${i + 1}`));
    for (const c of hidden) expect(Object.keys(c).sort()).toEqual(['hidden', 'name', 'passed']);
    expect(hiddenNames.filter((name) => candidateSaw.includes(name)), 'hidden case names the candidate received').toEqual([]);
    expect(hiddenNames.filter((name) => !interviewerSaw.includes(name)), 'hidden case names the interviewer missed').toEqual([]);
  });
});
