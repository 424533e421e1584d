// A client message the room will not take: it is neither applied, stored nor relayed, and the
// sender's connection is closed with `code` (shared/errors.ts) so an honest client resyncs.
import { WS_CLOSE } from '../../shared/errors.ts';

export class RefusedMessage extends Error {
  constructor(
    readonly code: (typeof WS_CLOSE)['updateRefused' | 'limitExceeded'],
    reason: string,
  ) {
    super(reason);
  }
}

export const refuseUpdate = (reason: string) => new RefusedMessage(WS_CLOSE.updateRefused, `change refused: ${reason}`);
export const refuseOverLimit = (reason: string) => new RefusedMessage(WS_CLOSE.limitExceeded, reason);
