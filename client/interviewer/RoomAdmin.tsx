import { useState } from 'react';
import { ApiError, api } from '../net/api.ts';
import { absoluteLink } from '../net/room-link.ts';
import type * as Y from 'yjs';
import { CopyLink } from '../home/CopyLink.tsx';
import { boardSvg } from '../whiteboard/board-svg.ts';

function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement('a'), { href: url, download: filename });
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Links for the panel and the candidate, ending the interview, and the report. */
/** Stores the board's current drawing so the report shows it (the export needs this browser). */
async function attachBoard(doc: Y.Doc, roomId: string, token: string): Promise<void> {
  const svg = await boardSvg(doc, { roomId, token });
  if (svg) await api.saveWhiteboardSvg(roomId, token, svg);
}

export function RoomAdmin({ roomId, token, ended, doc }: { roomId: string; token: string; ended: boolean; doc: Y.Doc }) {
  const [coInterviewerUrl, setCoInterviewerUrl] = useState<string>();
  const [candidateUrl, setCandidateUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const [endedNow, setEndedNow] = useState(ended);
  const attempt = async (action: () => Promise<void>) => {
    try {
      setError(undefined);
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'That did not work; try again.');
    }
  };

  return (
    <div className="room-admin">
      <h4>Report</h4>
      <div className="button-row">
        <button
          type="button"
          onClick={() =>
            void attempt(async () => {
              await attachBoard(doc, roomId, token);
              saveBlob(await api.downloadReport(roomId, token, 'html'), `interview-${roomId}.html`);
            })
          }
        >
          Download report (HTML, prints to PDF)
        </button>
        <button type="button" onClick={() => void attempt(async () => saveBlob(await api.downloadReport(roomId, token, 'md'), `interview-${roomId}.md`))}>
          Markdown
        </button>
      </div>
      <h4>Panel</h4>
      <button type="button" onClick={() => void attempt(async () => setCoInterviewerUrl((await api.addInterviewer(roomId, token)).interviewerUrl))}>
        Create a co-interviewer link
      </button>
      {coInterviewerUrl && <CopyLink label="Co-interviewer link (their own notes and scorecard)" url={absoluteLink(coInterviewerUrl)} testId="co-interviewer-link" />}
      <h4>Candidate</h4>
      <button type="button" onClick={() => void attempt(async () => setCandidateUrl((await api.reissueCandidateLink(roomId, token)).candidateUrl))}>
        Issue a new candidate link (the old one stops working)
      </button>
      {candidateUrl && <CopyLink label="New candidate link" url={absoluteLink(candidateUrl)} testId="new-candidate-link" />}
      {endedNow ? (
        <p className="muted">The interview has ended: the candidate link no longer opens this room.</p>
      ) : (
        <button
          type="button"
          className="danger"
          onClick={() =>
            window.confirm('End the interview? The candidate loses access; the room stays readable for interviewers.') &&
            void attempt(async () => {
              await api.endInterview(roomId, token);
              setEndedNow(true);
            })
          }
        >
          End the interview
        </button>
      )}
      <h4>Data</h4>
      <button
        type="button"
        className="danger"
        onClick={() =>
          window.confirm('Delete this room and everything in it (code history, runs, notes, scorecards) for good?') &&
          void attempt(async () => {
            await api.deleteRoom(roomId, token);
            window.location.assign('/');
          })
        }
      >
        Delete the room and its data
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
