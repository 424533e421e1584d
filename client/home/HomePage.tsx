import { useState, type FormEvent } from 'react';
import { LANGUAGES, TITLE_MAX_CHARS, type CreateRoomResponse, type Language } from '../../shared/room.ts';
import { ApiError, api } from '../net/api.ts';
import { absoluteLink } from '../net/room-link.ts';
import { CopyLink } from './CopyLink.tsx';
import { myRooms, rememberRoom } from './my-rooms.ts';

export function HomePage() {
  const [title, setTitle] = useState('');
  const [language, setLanguage] = useState<Language>('python');
  const [createKey, setCreateKey] = useState('');
  const [created, setCreated] = useState<CreateRoomResponse>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const room = await api.createRoom({ title: title.trim() || undefined, language }, createKey || undefined);
      rememberRoom({ roomId: room.roomId, title: title.trim() || 'Interview', interviewerUrl: room.interviewerUrl, createdAt: new Date().toISOString() });
      setCreated(room);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The room could not be created.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="home">
      <h1>Interview room</h1>
      <p className="lede">Live coding interviews on your own server: shared editor, private by design.</p>
      <form className="card" onSubmit={submit}>
        <label>
          Title
          <input name="title" placeholder="e.g. ML engineer – coding round" maxLength={TITLE_MAX_CHARS} value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          Language
          <select name="language" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <details>
          <summary>Server requires a room-creation key?</summary>
          <label>
            Room-creation key
            <input name="createKey" type="password" value={createKey} onChange={(e) => setCreateKey(e.target.value)} />
          </label>
        </details>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create room'}
        </button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
      {created && (
        <section className="card links" aria-label="Room links">
          <CopyLink label="Your interviewer link (keep it private)" url={absoluteLink(created.interviewerUrl)} testId="interviewer-link" />
          <CopyLink label="Send this link to the candidate" url={absoluteLink(created.candidateUrl)} testId="candidate-link" />
          <a className="button" href={created.interviewerUrl}>
            Open the room as interviewer
          </a>
        </section>
      )}
      {myRooms().length > 0 && (
        <section className="card" aria-label="Your rooms">
          <h2>Rooms created in this browser</h2>
          <ul className="my-rooms">
            {myRooms().map((room) => (
              <li key={room.roomId}>
                <a href={room.interviewerUrl}>{room.title}</a> <small className="muted">{new Date(room.createdAt).toLocaleString()}</small>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
