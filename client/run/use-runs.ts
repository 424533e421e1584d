// Run events of the room: what is running, streamed output, results, and the history.
// Both people see the same, whoever pressed Run.
import { useEffect, useState } from 'react';
import type { RunHistoryEntry, RunResult, RunStarted } from '../../shared/run.ts';
import type { RoomSocket } from '../net/room-socket.ts';

export interface RunView {
  started: RunStarted;
  stdout: string;
  stderr: string;
  result: RunResult | undefined;
}

export interface RunsState {
  /** The most recent run, shown in the output panel. */
  latest: RunView | undefined;
  history: RunHistoryEntry[];
}

const HISTORY_SHOWN = 10;

export function useRuns(socket: RoomSocket): RunsState {
  const [state, setState] = useState<RunsState>({ latest: undefined, history: [] });
  useEffect(() => {
    const onHistory = ({ runs }: { runs: RunHistoryEntry[] }) => setState((s) => ({ ...s, history: runs.slice(0, HISTORY_SHOWN) }));
    const onStarted = (started: RunStarted) =>
      setState((s) => ({ ...s, latest: { started, stdout: '', stderr: '', result: undefined } }));
    const onOutput = ({ runId, stream, data }: { runId: string; stream: 'stdout' | 'stderr'; data: string }) =>
      setState((s) => (s.latest?.started.runId === runId ? { ...s, latest: { ...s.latest, [stream]: s.latest[stream] + data } } : s));
    const onResult = (result: RunResult) =>
      setState((s) => {
        const latest = s.latest?.started.runId === result.runId ? { ...s.latest, result, stdout: result.stdout, stderr: result.stderr } : s.latest;
        const started = latest?.started.runId === result.runId ? latest.started : undefined;
        const entry: RunHistoryEntry | undefined = started && { ...started, status: result.status, durationMs: result.durationMs };
        return { latest, history: entry ? [entry, ...s.history].slice(0, HISTORY_SHOWN) : s.history };
      });
    socket.on('run:history', onHistory);
    socket.on('run:started', onStarted);
    socket.on('run:output', onOutput);
    socket.on('run:result', onResult);
    return () => {
      socket.off('run:history', onHistory);
      socket.off('run:started', onStarted);
      socket.off('run:output', onOutput);
      socket.off('run:result', onResult);
    };
  }, [socket]);
  return state;
}
