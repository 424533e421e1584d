import { PARTICIPANT_COLORS } from '../../shared/colors.ts';
import type { Participant } from '../../shared/events.ts';

/** The colour used least among those present, so two people rarely share one. */
export function pickColor(present: Pick<Participant, 'color'>[]): string {
  const uses = new Map<string, number>(PARTICIPANT_COLORS.map((color) => [color, 0]));
  for (const participant of present) uses.set(participant.color, (uses.get(participant.color) ?? 0) + 1);
  let best: string = PARTICIPANT_COLORS[0];
  for (const color of PARTICIPANT_COLORS) if ((uses.get(color) ?? 0) < (uses.get(best) ?? 0)) best = color;
  return best;
}
