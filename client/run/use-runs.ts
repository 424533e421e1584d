// Run events of the room: what is running, streamed output, results, and the history.
// Both people see the same, whoever pressed Run; interviewers also see how many graded runs
// the room has had (each of the candidate's can probe the hidden cases).
import { useEffect, useState } from 'react';
import type { GradedRunCount, RunHistoryEntry, RunResult, RunStarted } from '../../shared/run.ts';
import { api } from '../net/api.ts';
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
  /** Interviewers only; undefined until read. */
  gradedRuns: GradedRunCount | undefined;
}

const HISTORY_SHOWN = 10;

/** The room's graded-run count, read again after each graded result (the server counts stored runs). */
function useGradedRunCount(socket: RoomSocket, access: { roomId: string; token: string; interviewer: boolean }): GradedRunCount | undefined {
  const { roomId, token, interviewer } = access;
  const [count, setCount] = useState<GradedRunCount>();
  useEffect(() => {
    if (!interviewer) return;
    let live = true;
    const read = () => api.gradedRunCount(roomId, token).then(({ gradedRuns }) => live && setCount(gradedRuns), () => undefined);
    const onResult = (result: RunResult) => void (result.tests && read());
    void read();
    socket.on('run:result', onResult);
    return () => {
      live = false;
      socket.off('run:result', onResult);
    };
  }, [socket, roomId, token, interviewer]);
  return count;
}

export function useRuns(socket: RoomSocket, access: { roomId: string; token: string; interviewer: boolean }): RunsState {
  const [state, setState] = useState<Omit<RunsState, 'gradedRuns'>>({ latest: undefined, history: [] });
  const gradedRuns = useGradedRunCount(socket, access);
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
  return { ...state, gradedRuns };
}
