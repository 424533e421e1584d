// The interviewer's own scorecard: loaded once, edited locally, autosaved shortly after each
// change (so nothing typed during the interview is lost), locked once submitted.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { InterviewKit, ScorecardDraft } from '../../shared/scorecard.ts';
import { ApiError, api, type ScorecardView } from '../net/api.ts';

const AUTOSAVE_DELAY_MS = 700;

export interface ScorecardState {
  card: ScorecardView | undefined;
  kit: InterviewKit | undefined;
  saving: 'idle' | 'saving' | 'saved' | 'error';
  error: string | undefined;
  edit: (change: (draft: ScorecardDraft) => ScorecardDraft) => void;
  submit: () => Promise<void>;
  amend: (text: string) => Promise<void>;
}

export function useScorecard(roomId: string, token: string, name: string): ScorecardState {
  const [card, setCard] = useState<ScorecardView>();
  const [kit, setKit] = useState<InterviewKit>();
  const [saving, setSaving] = useState<ScorecardState['saving']>('idle');
  const [error, setError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const fail = (e: unknown) => {
    setSaving('error');
    setError(e instanceof ApiError ? e.message : 'The scorecard could not be saved.');
  };

  useEffect(() => {
    api.getScorecard(roomId, token, name).then(({ scorecard, kit: loadedKit }) => {
      setCard(scorecard);
      setKit(loadedKit);
    }, fail);
  }, [roomId, token, name]);

  const edit = useCallback(
    (change: (draft: ScorecardDraft) => ScorecardDraft) => {
      setCard((current) => {
        if (!current || current.submittedAt) return current;
        const draft = change(current.draft);
        clearTimeout(timer.current);
        setSaving('saving');
        timer.current = setTimeout(() => {
          api.saveScorecard(roomId, token, name, draft).then(({ scorecard }) => {
            setCard((latest) => (latest ? { ...latest, recommendation: scorecard.recommendation, updatedAt: scorecard.updatedAt } : scorecard));
            setSaving('saved');
            setError(undefined);
          }, fail);
        }, AUTOSAVE_DELAY_MS);
        return { ...current, draft };
      });
    },
    [roomId, token, name],
  );

  const submit = async () => {
    clearTimeout(timer.current);
    try {
      if (card) await api.saveScorecard(roomId, token, name, card.draft);
      setCard((await api.submitScorecard(roomId, token, name)).scorecard);
      setError(undefined);
    } catch (e) {
      fail(e);
    }
  };

  const amend = async (text: string) => {
    try {
      setCard((await api.amendScorecard(roomId, token, name, text)).scorecard);
    } catch (e) {
      fail(e);
    }
  };

  return { card, kit, saving, error, edit, submit, amend };
}
