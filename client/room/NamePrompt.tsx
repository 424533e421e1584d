import { useState, type FormEvent } from 'react';
import { DISPLAY_NAME_MAX_CHARS, type RoomInfo } from '../../shared/room.ts';

export function NamePrompt({ room, onSubmit }: { room: RoomInfo; onSubmit: (name: string) => void }) {
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <form className="card centered-card" onSubmit={submit}>
      <h1>{room.title}</h1>
      <p>
        You are joining as <strong>{room.role}</strong>. Your name is shown to the other people in the room.
      </p>
      {room.role === 'candidate' && (
        <p className="privacy-notice" data-testid="privacy-notice">
          This room records what you write in it: the code with its keystroke history, the programs you run and their output,
          and the whiteboard. It is stored on the interviewing team's own server, not with a third party,{' '}
          {room.retentionDays
            ? `and deleted ${room.retentionDays} days after the room was created (or earlier, when the interviewer deletes the room).`
            : 'until the interviewer deletes the room.'}{' '}
          Interviewers' notes and scores are not shown to you.
        </p>
      )}
      <label>
        Your name
        <input
          autoFocus
          name="displayName"
          value={name}
          maxLength={DISPLAY_NAME_MAX_CHARS}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <button type="submit" disabled={!name.trim()}>
        Join room
      </button>
    </form>
  );
}
