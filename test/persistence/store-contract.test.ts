// One contract for the Store interface, run against both implementations: the embedded SQLite
// store and the PostgreSQL store of multi-instance mode (on a real, throwaway server). Then
// what only the shared database promises: per-room contiguous seqs across instances.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunHistoryEntry, RunResult } from '../../shared/run.ts';
import type { ScorecardDraft } from '../../shared/scorecard.ts';
import { openPostgresStore } from '../../server/persistence/postgres-store.ts';
import { openSqliteStore } from '../../server/persistence/sqlite-store.ts';
import type { RoomRecord, Store } from '../../server/persistence/store.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';
import { POSTGRES, requireProgram } from '../helpers/system.ts';

interface StoreFactory {
  /** A new, empty store (the suite closes it after each test). */
  open(): Promise<Store>;
}

const room = (id: string, createdAtMs = 1_000): RoomRecord => ({ id, title: `Room ${id}`, language: 'python', createdAtMs, endedAtMs: null });
const bytes = (...values: number[]) => new Uint8Array(values);
/** An update whose bytes say which call made it. */
const numbered = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
const numberOf = (update: Uint8Array) => (update[0]! << 8) | update[1]!;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function draft(overrides: Partial<ScorecardDraft> = {}): ScorecardDraft {
  return { scores: {}, competencies: {}, redFlags: [], practical: { status: 'pending', criteria: {} }, notes: [], ...overrides };
}

function run(runId: string, startedAt: string): { entry: RunHistoryEntry; result: RunResult } {
  return {
    entry: { runId, language: 'python', startedBy: { name: 'Ada', role: 'interviewer' }, startedAt, status: 'ok', durationMs: 12 },
    result: {
      runId,
      language: 'python',
      status: 'ok',
      stdout: `out of ${runId}`,
      stderr: '',
      exitCode: 0,
      signal: null,
      timedOut: false,
      durationMs: 12,
      truncated: false,
    },
  };
}

/** Fires `count` appends spread over `rooms`, round robin, `perTurn` per event-loop turn; returns them in call order. */
async function fireAppends(store: Store, rooms: string[], count: number, perTurn: number, first = 0) {
  const calls: { roomId: string; n: number; seq: Promise<number> }[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % perTurn === 0) await nextTurn();
    const roomId = rooms[i % rooms.length]!;
    const n = first + i;
    calls.push({ roomId, n, seq: store.appendUpdate(roomId, numbered(n), `actor-${n}`, 5_000 + n) });
  }
  return Promise.all(calls.map(async (call) => ({ roomId: call.roomId, n: call.n, seq: await call.seq })));
}

/** Each room's seqs increase in call order, and its log holds exactly its updates in that order. */
async function expectCallOrderKept(store: Store, rooms: string[], results: { roomId: string; n: number; seq: number }[]) {
  for (const roomId of rooms) {
    const mine = results.filter((r) => r.roomId === roomId);
    const seqs = mine.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const log = (await store.readUpdateLog(roomId)).slice(1); // after the room's initial update
    expect(log.map((u) => u.seq)).toEqual(seqs);
    expect(log.map((u) => numberOf(u.update))).toEqual(mine.map((r) => r.n));
  }
}

function storeContract(factory: StoreFactory) {
  let store: Store;
  const openStore = async () => {
    store = await factory.open();
    return store;
  };

  it('creates rooms, reads them back and lists them newest first', async () => {
    const s = await openStore();
    await s.createRoom(room('old', 1_000), [], bytes(1));
    await s.createRoom(room('new', 3_000), [], bytes(2));
    await s.createRoom({ ...room('mid', 2_000), title: 'Middle', language: 'sql' }, [], bytes(3));
    expect(await s.getRoom('mid')).toEqual({ id: 'mid', title: 'Middle', language: 'sql', createdAtMs: 2_000, endedAtMs: null });
    expect(await s.getRoom('missing')).toBeUndefined();
    expect((await s.listRooms()).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    expect(await s.healthy()).toBe(true);
  });

  it('lists rooms created at the same time in creation order', async () => {
    const s = await openStore();
    for (const id of ['b', 'a', 'c']) await s.createRoom(room(id, 1_000), [], bytes(0));
    await s.createRoom(room('later', 2_000), [], bytes(0));
    expect((await s.listRooms()).map((r) => r.id)).toEqual(['later', 'b', 'a', 'c']);
  });

  it('refuses a second room with the same id', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await expect(s.createRoom(room('r'), [], bytes(1))).rejects.toThrow();
    expect(await s.readUpdateLog('r')).toHaveLength(1);
  });

  it('logs the initial update as the server at creation time', async () => {
    const s = await openStore();
    await s.createRoom(room('r', 1_234), [], bytes(7, 8, 9));
    const log = await s.readUpdateLog('r');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actor: 'server', createdAtMs: 1_234 });
    expect([...log[0]!.update]).toEqual([7, 8, 9]);
    const state = await s.loadDocState('r');
    expect(state.snapshot).toBeUndefined();
    expect(state.updates.map((u) => [...u.update])).toEqual([[7, 8, 9]]);
  });

  it('grants roles by token hash; revoked tokens grant nothing', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [{ tokenHash: 'int-1', role: 'interviewer' }, { tokenHash: 'cand-1', role: 'candidate' }], bytes(1));
    await s.createRoom(room('other'), [{ tokenHash: 'other-int', role: 'interviewer' }], bytes(1));
    expect(await s.findTokenRole('r', 'int-1')).toBe('interviewer');
    expect(await s.findTokenRole('r', 'cand-1')).toBe('candidate');
    expect(await s.findTokenRole('r', 'other-int')).toBeUndefined();
    expect(await s.findTokenRole('other', 'int-1')).toBeUndefined();
    expect(await s.findTokenRole('r', 'nope')).toBeUndefined();

    await s.revokeTokens('r', 'candidate', 5_000);
    expect(await s.findTokenRole('r', 'cand-1')).toBeUndefined();
    expect(await s.findTokenRole('r', 'int-1')).toBe('interviewer');
    expect(await s.findTokenRole('other', 'other-int')).toBe('interviewer');

    await s.addToken('r', { tokenHash: 'cand-2', role: 'candidate' });
    expect(await s.findTokenRole('r', 'cand-2')).toBe('candidate');
    expect(await s.findTokenRole('r', 'cand-1')).toBeUndefined();
    await expect(s.addToken('r', { tokenHash: 'cand-2', role: 'candidate' })).rejects.toThrow();
  });

  it('finds the room and role of a token hash whatever the room', async () => {
    const s = await openStore();
    await s.createRoom(room('r1'), [{ tokenHash: 'a', role: 'interviewer' }], bytes(1));
    await s.createRoom(room('r2'), [{ tokenHash: 'b', role: 'candidate' }], bytes(1));
    expect(await s.findToken('a')).toEqual({ roomId: 'r1', role: 'interviewer' });
    expect(await s.findToken('b')).toEqual({ roomId: 'r2', role: 'candidate' });
    expect(await s.findToken('c')).toBeUndefined();
    // A replaced link is no key to anything.
    await s.revokeTokens('r2', 'candidate', 2_000);
    expect(await s.findToken('b')).toBeUndefined();
  });

  it('ends a room once', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.endRoom('r', 7_000);
    expect((await s.getRoom('r'))?.endedAtMs).toBe(7_000);
    await s.endRoom('r', 9_000);
    expect((await s.getRoom('r'))?.endedAtMs).toBe(7_000);
    await s.endRoom('missing', 9_000);
  });

  it('deletes a room with everything it holds', async () => {
    const s = await openStore();
    for (const id of ['gone', 'kept']) {
      await s.createRoom(room(id), [{ tokenHash: `${id}-token`, role: 'interviewer' }], bytes(1));
      await s.appendUpdate(id, bytes(2), 'a', 2_000);
      await s.saveSnapshot(id, { state: bytes(9), uptoSeq: 1 }, 2_000);
      await s.saveScorecardDraft(id, 'i1', 'Ada', draft(), 2_000);
      await s.submitScorecard(id, 'i1', 2_100);
      await s.addAmendment(id, 'i1', 'later thought', 2_200);
      await s.saveWhiteboardSvg(id, '<svg/>', 2_000);
      await s.saveWhiteboardFile(id, 'f1', 'image/png', bytes(1, 2, 3), 2_000);
      const { entry, result } = run(`${id}-run`, '2026-01-01T00:00:00.000Z');
      await s.saveRun(id, entry, result);
      await s.addRoomProblem(id, 'two-sum', 2_000);
    }
    await s.deleteRoom('gone');

    expect(await s.getRoom('gone')).toBeUndefined();
    expect(await s.readUpdateLog('gone')).toEqual([]);
    expect(await s.loadDocState('gone')).toEqual({ snapshot: undefined, updates: [], logBytes: 0 });
    expect(await s.loadUpdatesAfter('gone', 0)).toEqual([]);
    expect(await s.getScorecard('gone', 'i1')).toBeUndefined();
    expect(await s.listScorecards('gone')).toEqual([]);
    expect(await s.getWhiteboardSvg('gone')).toBeUndefined();
    expect(await s.getWhiteboardFile('gone', 'f1')).toBeUndefined();
    expect(await s.listRuns('gone', 10)).toEqual([]);
    expect(await s.listRunResults('gone')).toEqual([]);
    expect(await s.listRoomProblems('gone')).toEqual([]);
    expect(await s.findToken('gone-token')).toBeUndefined();
    expect(await s.findTokenRole('gone', 'gone-token')).toBeUndefined();
    expect((await s.listRooms()).map((r) => r.id)).toEqual(['kept']);

    // The other room is untouched.
    expect(await s.readUpdateLog('kept')).toHaveLength(2);
    expect((await s.loadDocState('kept')).snapshot?.uptoSeq).toBe(1);
    expect((await s.getScorecard('kept', 'i1'))?.amendments).toHaveLength(1);
    expect(await s.getWhiteboardSvg('kept')).toBe('<svg/>');
    expect(await s.getWhiteboardFile('kept', 'f1')).toBeDefined();
    expect(await s.listRuns('kept', 10)).toHaveLength(1);
    expect(await s.listRoomProblems('kept')).toEqual(['two-sum']);
    expect(await s.findToken('kept-token')).toEqual({ roomId: 'kept', role: 'interviewer' });

    // Nothing of the old room comes back when the id is used again.
    await s.createRoom(room('gone'), [], bytes(5));
    expect((await s.readUpdateLog('gone')).map((u) => [...u.update])).toEqual([[5]]);
    expect(await s.listScorecards('gone')).toEqual([]);
    await s.deleteRoom('never-existed');
  });

  it('lists the ids of rooms created before a time', async () => {
    const s = await openStore();
    await s.createRoom(room('a', 1_000), [], bytes(1));
    await s.createRoom(room('b', 2_000), [], bytes(1));
    await s.createRoom(room('c', 3_000), [], bytes(1));
    expect((await s.listRoomIdsCreatedBefore(2_500)).sort()).toEqual(['a', 'b']);
    expect(await s.listRoomIdsCreatedBefore(1_000)).toEqual([]);
    expect((await s.listRoomIdsCreatedBefore(10_000)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps scorecard drafts until submitted, then only amendments', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    expect(await s.getScorecard('r', 'i1')).toBeUndefined();
    expect(await s.submitScorecard('r', 'i1', 1_500)).toBe('no-draft');

    expect(await s.saveScorecardDraft('r', 'i1', 'Ada', draft({ scores: { p1: 2 } }), 2_000)).toBe('saved');
    expect(await s.saveScorecardDraft('r', 'i1', 'Ada L.', draft({ scores: { p1: 3 } }), 3_000)).toBe('saved');
    expect(await s.getScorecard('r', 'i1')).toEqual({
      interviewerId: 'i1',
      interviewerName: 'Ada L.',
      draft: draft({ scores: { p1: 3 } }),
      submittedAt: null,
      updatedAt: new Date(3_000).toISOString(),
      amendments: [],
    });

    expect(await s.submitScorecard('r', 'i1', 4_000)).toBe('submitted');
    expect(await s.submitScorecard('r', 'i1', 4_500)).toBe('already-submitted');
    expect(await s.saveScorecardDraft('r', 'i1', 'Ada', draft({ scores: { p1: 1 } }), 5_000)).toBe('locked');
    await s.addAmendment('r', 'i1', 'second amendment', 7_000);
    await s.addAmendment('r', 'i1', 'first amendment', 6_000);
    await s.addAmendment('r', 'i1', 'same time, later', 7_000);

    const card = await s.getScorecard('r', 'i1');
    expect(card?.draft).toEqual(draft({ scores: { p1: 3 } }));
    expect(card?.submittedAt).toBe(new Date(4_000).toISOString());
    expect(card?.updatedAt).toBe(new Date(3_000).toISOString());
    expect(card?.amendments).toEqual([
      { at: new Date(6_000).toISOString(), text: 'first amendment' },
      { at: new Date(7_000).toISOString(), text: 'second amendment' },
      { at: new Date(7_000).toISOString(), text: 'same time, later' },
    ]);
  });

  it('lists scorecards in the order they were first saved, each with its own amendments', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.createRoom(room('other'), [], bytes(1));
    await s.saveScorecardDraft('r', 'zed', 'Zed', draft(), 1_000);
    await s.saveScorecardDraft('r', 'amy', 'Amy', draft(), 2_000);
    await s.saveScorecardDraft('other', 'bob', 'Bob', draft(), 2_000);
    await s.saveScorecardDraft('r', 'zed', 'Zed', draft({ redFlags: ['x'] }), 3_000);
    await s.submitScorecard('r', 'amy', 4_000);
    await s.addAmendment('r', 'amy', 'amy amends', 5_000);
    const cards = await s.listScorecards('r');
    expect(cards.map((c) => c.interviewerId)).toEqual(['zed', 'amy']);
    expect(cards[0]!.draft.redFlags).toEqual(['x']);
    expect(cards[0]!.amendments).toEqual([]);
    expect(cards[1]!.amendments).toEqual([{ at: new Date(5_000).toISOString(), text: 'amy amends' }]);
    expect(cards[1]!.submittedAt).toBe(new Date(4_000).toISOString());
  });

  it('keeps the latest whiteboard rendering, and whiteboard files immutable by id', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    expect(await s.getWhiteboardSvg('r')).toBeUndefined();
    await s.saveWhiteboardSvg('r', '<svg>1</svg>', 1_000);
    await s.saveWhiteboardSvg('r', '<svg>2</svg>', 2_000);
    expect(await s.getWhiteboardSvg('r')).toBe('<svg>2</svg>');

    expect(await s.getWhiteboardFile('r', 'f1')).toBeUndefined();
    await s.saveWhiteboardFile('r', 'f1', 'image/png', bytes(0, 255, 1), 1_000);
    await s.saveWhiteboardFile('r', 'f1', 'image/jpeg', bytes(9, 9), 2_000);
    await s.saveWhiteboardFile('r', 'f2', 'image/svg+xml', bytes(), 2_000);
    const f1 = await s.getWhiteboardFile('r', 'f1');
    expect(f1?.mimeType).toBe('image/png');
    expect([...f1!.bytes]).toEqual([0, 255, 1]);
    const f2 = await s.getWhiteboardFile('r', 'f2');
    expect(f2?.mimeType).toBe('image/svg+xml');
    expect(f2?.bytes.byteLength).toBe(0);
    expect(await s.whiteboardFileBytes('r')).toBe(3);
    expect(await s.whiteboardFileBytes('no-such-room')).toBe(0);
  });

  it('reports the bytes of the whole update log, snapshots aside', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1, 2));
    await s.appendUpdate('r', bytes(3, 4, 5), 'alice', 2_000);
    await s.saveSnapshot('r', { state: bytes(9, 9, 9, 9, 9, 9, 9), uptoSeq: 2 }, 3_000);
    await s.appendUpdate('r', bytes(6), 'bob', 4_000);
    const state = await s.loadDocState('r');
    expect(state.updates.length).toBe(1);
    expect(state.logBytes).toBe(6);
  });

  it('lists runs newest first with a limit, and full results oldest first', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.createRoom(room('other'), [], bytes(1));
    const runs = [
      run('b', '2026-01-01T10:00:02.000Z'),
      run('a', '2026-01-01T10:00:01.000Z'),
      run('c', '2026-01-01T10:00:03.000Z'),
      run('c2', '2026-01-01T10:00:03.000Z'), // same start: later insert counts as newer
    ];
    for (const { entry, result } of runs) await s.saveRun('r', entry, result);
    const other = run('x', '2026-01-01T11:00:00.000Z');
    await s.saveRun('other', other.entry, other.result);

    expect((await s.listRuns('r', 10)).map((r) => r.runId)).toEqual(['c2', 'c', 'b', 'a']);
    expect((await s.listRuns('r', 2)).map((r) => r.runId)).toEqual(['c2', 'c']);
    expect(await s.listRuns('r', 1)).toEqual([runs[3]!.entry]);
    expect((await s.listRunResults('r')).map((r) => r.runId)).toEqual(['a', 'b', 'c', 'c2']);
    expect((await s.listRunResults('r'))[0]).toEqual(runs[1]!.result);
    await expect(s.saveRun('r', runs[0]!.entry, runs[0]!.result)).rejects.toThrow();
  });

  it('records problems used in a room once, in the order first used', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.createRoom(room('other'), [], bytes(1));
    expect(await s.listRoomProblems('r')).toEqual([]);
    expect(await s.addRoomProblem('r', 'zeta', 2_000)).toBe(true);
    expect(await s.addRoomProblem('r', 'alpha', 1_000)).toBe(true);
    expect(await s.addRoomProblem('r', 'mid', 2_000)).toBe(true);
    expect(await s.addRoomProblem('r', 'zeta', 500)).toBe(false);
    expect(await s.addRoomProblem('other', 'zeta', 3_000)).toBe(true);
    expect(await s.listRoomProblems('r')).toEqual(['alpha', 'zeta', 'mid']);
    expect(await s.listRoomProblems('other')).toEqual(['zeta']);
  });

  it('numbers appended updates increasingly per room, in call order', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    const first = await s.appendUpdate('r', bytes(2), 'alice', 2_000);
    const second = await s.appendUpdate('r', bytes(3), 'bob', 3_000);
    expect(second).toBeGreaterThan(first);
    // Same turn: resolved in call order with increasing seqs.
    const same = await Promise.all([10, 11, 12].map((n) => s.appendUpdate('r', bytes(n), 'carol', 4_000)));
    expect(same[0]).toBeGreaterThan(second);
    expect(same).toEqual([...same].sort((a, b) => a - b));
    expect(new Set(same).size).toBe(3);

    const log = await s.readUpdateLog('r');
    expect(log.map((u) => [...u.update])).toEqual([[1], [2], [3], [10], [11], [12]]);
    expect(log.slice(1).map((u) => u.seq)).toEqual([first, second, ...same]);
    expect(log[1]).toMatchObject({ actor: 'alice', createdAtMs: 2_000 });
    expect(log[2]).toMatchObject({ actor: 'bob', createdAtMs: 3_000 });
  });

  it('keeps call order per room for many appends over several rooms, in one turn and over many', async () => {
    const s = await openStore();
    const rooms = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const id of rooms) await s.createRoom(room(id), [], bytes(0, 0));
    const oneTurn = await fireAppends(s, rooms, 500, 500);
    const manyTurns = await fireAppends(s, rooms, 500, 37, 500);
    await expectCallOrderKept(s, rooms, [...oneTurn, ...manyTurns]);
  });

  it('loads a snapshot with only the updates logged after it', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    const seqs: number[] = [];
    for (const n of [2, 3, 4, 5]) seqs.push(await s.appendUpdate('r', bytes(n), 'a', 1_000 + n));
    await s.saveSnapshot('r', { state: bytes(42, 43), uptoSeq: seqs[1]! }, 9_000);
    const { snapshot, updates } = await s.loadDocState('r');
    expect(snapshot?.uptoSeq).toBe(seqs[1]);
    expect([...snapshot!.state]).toEqual([42, 43]);
    expect(updates.map((u) => u.seq)).toEqual(seqs.slice(2));
    expect(updates.map((u) => [...u.update])).toEqual([[4], [5]]);
    expect(updates[0]).toMatchObject({ actor: 'a', createdAtMs: 1_004 });
  });

  it('never moves a snapshot backwards', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    const seqs: number[] = [];
    for (const n of [2, 3, 4]) seqs.push(await s.appendUpdate('r', bytes(n), 'a', 1_000));
    await s.saveSnapshot('r', { state: bytes(2), uptoSeq: seqs[1]! }, 1_000);
    await s.saveSnapshot('r', { state: bytes(1), uptoSeq: seqs[0]! }, 2_000);
    await s.saveSnapshot('r', { state: bytes(7), uptoSeq: seqs[1]! }, 3_000);
    let state = await s.loadDocState('r');
    expect(state.snapshot?.uptoSeq).toBe(seqs[1]);
    expect([...state.snapshot!.state]).toEqual([2]);
    await s.saveSnapshot('r', { state: bytes(3), uptoSeq: seqs[2]! }, 4_000);
    state = await s.loadDocState('r');
    expect(state.snapshot?.uptoSeq).toBe(seqs[2]);
    expect([...state.snapshot!.state]).toEqual([3]);
    expect(state.updates).toEqual([]);
  });

  it('loads the updates after a seq, in order', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.createRoom(room('other'), [], bytes(1));
    const seqs: number[] = [];
    for (const n of [2, 3, 4]) {
      seqs.push(await s.appendUpdate('r', bytes(n), `a${n}`, 1_000 + n));
      await s.appendUpdate('other', bytes(100 + n), 'x', 1_000);
    }
    const after = await s.loadUpdatesAfter('r', seqs[0]!);
    expect(after.map((u) => u.seq)).toEqual(seqs.slice(1));
    expect(after.map((u) => [...u.update])).toEqual([[3], [4]]);
    expect(after[1]).toMatchObject({ actor: 'a4', createdAtMs: 1_004 });
    expect(await s.loadUpdatesAfter('r', seqs[2]!)).toEqual([]);
    expect((await s.loadUpdatesAfter('r', 0)).map((u) => [...u.update])).toEqual([[1], [2], [3], [4]]);
  });

  it('tells the last logged seq of each room, leaving out rooms that do not exist', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    await s.createRoom(room('other'), [], bytes(1));
    const last = await s.appendUpdate('r', bytes(2), 'a', 1_000);
    const otherLast = (await s.readUpdateLog('other')).at(-1)!.seq;
    const seqs = await s.lastSeqs(['r', 'other', 'missing']);
    expect([...seqs].sort()).toEqual([
      ['other', otherLast],
      ['r', last],
    ]);
  });

  it('sees everything appended before flushPending in the next load', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    const appended = [2, 3, 4, 5].map((n) => s.appendUpdate('r', bytes(n), 'a', 1_000));
    s.flushPending();
    const { updates } = await s.loadDocState('r');
    expect(updates.map((u) => [...u.update])).toEqual([[1], [2], [3], [4], [5]]);
    expect(updates.slice(1).map((u) => u.seq)).toEqual(await Promise.all(appended));

    const more = [6, 7].map((n) => s.appendUpdate('r', bytes(n), 'a', 1_000));
    s.flushPending();
    const tail = await s.loadUpdatesAfter('r', updates.at(-1)!.seq);
    expect(tail.map((u) => [...u.update])).toEqual([[6], [7]]);
    await Promise.all(more);
  });

  it('writes pending updates before closing', async () => {
    const s = await openStore();
    await s.createRoom(room('r'), [], bytes(1));
    const pending = s.appendUpdate('r', bytes(2), 'a', 1_000);
    await s.close();
    expect(await pending).toBeGreaterThan(0);
  });
}

// ---- SQLite -------------------------------------------------------------------------------

describe('Store contract: SQLite', () => {
  const opened: { store: Store; dir: string }[] = [];
  afterEach(async () => {
    for (const { store, dir } of opened.splice(0)) {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  storeContract({
    async open() {
      const dir = tempDataDir('store-contract-');
      const store = openSqliteStore(dir);
      opened.push({ store, dir });
      return store;
    },
  });
});

// ---- PostgreSQL ---------------------------------------------------------------------------

const postgresAvailable = requireProgram(POSTGRES);

describe.skipIf(!postgresAvailable)('PostgreSQL', () => {
  let server: TestPostgres;
  const opened: Store[] = [];
  const openOn = async (url: string, poolSize = 4) => {
    const store = await openPostgresStore(url, { poolSize });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('Store contract: PostgreSQL', () => {
    storeContract({ open: async () => openOn(await server.freshDatabase()) });
  });

  describe('shared database', () => {
    it('creates the schema once when several instances open it at the same time', async () => {
      const url = await server.freshDatabase();
      const stores = await Promise.all([1, 2, 3, 4].map(() => openOn(url, 2)));
      await stores[0]!.createRoom(room('r'), [], bytes(1));
      expect(await stores[3]!.getRoom('r')).toBeDefined();
    });

    it('numbers each room 1, 2, 3, … without gaps', async () => {
      const s = await openOn(await server.freshDatabase());
      const rooms = ['a', 'b', 'c'];
      for (const id of rooms) await s.createRoom(room(id), [], bytes(0, 0));
      const results = await fireAppends(s, rooms, 300, 40);
      for (const id of rooms) {
        const log = await s.readUpdateLog(id);
        expect(log.map((u) => u.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
        expect(results.filter((r) => r.roomId === id).map((r) => r.seq)).toEqual(log.slice(1).map((u) => u.seq));
      }
    });

    it('keeps seqs contiguous and loses nothing when two instances append to the same rooms', async () => {
      const url = await server.freshDatabase();
      const [one, two] = [await openOn(url, 3), await openOn(url, 3)];
      const rooms = ['r1', 'r2', 'r3', 'r4'];
      for (const id of rooms) await one.createRoom(room(id), [], bytes(0, 0));
      // The instances batch the rooms in different orders; the row locks must not deadlock.
      const [fromOne, fromTwo] = await Promise.all([
        fireAppends(one, rooms, 400, 25, 0),
        fireAppends(two, [...rooms].reverse(), 400, 30, 1_000),
      ]);
      for (const id of rooms) {
        const log = await two.readUpdateLog(id);
        expect(log.map((u) => u.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
        const bySeq = new Map(log.map((u) => [u.seq, numberOf(u.update)]));
        for (const results of [fromOne, fromTwo]) {
          const mine = results.filter((r) => r.roomId === id);
          const seqs = mine.map((r) => r.seq);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
          // Each resolved seq holds exactly that call's update.
          for (const r of mine) expect(bySeq.get(r.seq)).toBe(r.n);
        }
      }
      // Both instances read the same log.
      expect(await one.readUpdateLog('r1')).toEqual(await two.readUpdateLog('r1'));
    });

    it('rejects appends to a deleted room, and still stores the other rooms of the batch', async () => {
      const s = await openOn(await server.freshDatabase());
      await s.createRoom(room('gone'), [], bytes(1));
      await s.createRoom(room('kept'), [], bytes(1));
      await s.deleteRoom('gone');
      const gone = s.appendUpdate('gone', bytes(2), 'a', 1_000);
      const kept = s.appendUpdate('kept', bytes(3), 'a', 1_000);
      await expect(gone).rejects.toThrow(/gone/);
      expect(await kept).toBe(2);
      await expect(s.appendUpdate('never-existed', bytes(2), 'a', 1_000)).rejects.toThrow(/never-existed/);
      expect((await s.readUpdateLog('kept')).map((u) => u.seq)).toEqual([1, 2]);
      expect(await s.readUpdateLog('gone')).toEqual([]);
    });

    it('reports unhealthy, without crashing, once the database server is gone', async () => {
      const own = await startTestPostgres();
      try {
        const s = await openOn(own.url, 2);
        await s.createRoom(room('r'), [], bytes(1));
        await Promise.all([s.getRoom('r'), s.listRooms()]); // idle connections in the pool
        expect(await s.healthy()).toBe(true);
        await own.stop();
        expect(await s.healthy()).toBe(false);
        await expect(s.appendUpdate('r', bytes(2), 'a', 1_000)).rejects.toThrow();
        expect(await s.healthy()).toBe(false);
      } finally {
        await own.stop();
      }
    });
  });
});
