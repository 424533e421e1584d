// Rooms hold candidates' personal data (code, keystroke history, runs, notes), so they are
// deleted ROOM_TTL_DAYS after creation. The sweep runs at start and then hourly.
import type { Logger } from '../logger.ts';
import type { RoomService } from './room-service.ts';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export function startRetentionSweeper(options: {
  rooms: RoomService;
  log: Logger;
  /** Disconnects whoever is still in the room before its data goes. */
  evict: (roomId: string) => void;
}): () => void {
  const sweep = async () => {
    for (const roomId of await options.rooms.expired()) {
      options.evict(roomId);
      await options.rooms.delete(roomId);
      options.log.info({ roomId }, 'room deleted after the retention period');
    }
  };
  const run = () => void sweep().catch((error: unknown) => options.log.error({ err: error }, 'retention sweep failed'));
  run();
  const timer = setInterval(run, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
