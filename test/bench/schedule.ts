// Drives keystrokes at a fixed rate per client. Client c types keystroke k at
//   start + (k + c / clients) * period,
// so clients are spread evenly over each period (drivers number the two clients of a room
// `rooms` apart, which puts them half a period apart). One timer serves every client.
// Late keystrokes are sent as soon as the event loop gets to them; the send time each
// driver records is the real one, and the generator's own lag is reported separately.

export interface ScheduleOptions {
  clients: number;
  /** keystrokes per second per client */
  rate: number;
  durationMs: number;
  /** When to call onMark (the end of the warm-up), in ms after the start. */
  markAtMs: number;
  onMark(): void;
  type(client: number, keystroke: number): void;
  /** Give up on keystrokes still unsent this long after the planned end. */
  lateLimitMs: number;
}

export interface ScheduleResult {
  sent: number;
  sentAfterMark: number;
  /** Keystrokes dropped because the generator fell more than lateLimitMs behind. */
  unsent: number;
}

export const keystrokesPerClient = (rate: number, durationMs: number): number => Math.floor((rate * durationMs) / 1000);

export function runSchedule(options: ScheduleOptions): Promise<ScheduleResult> {
  const { clients, rate, durationMs } = options;
  const total = keystrokesPerClient(rate, durationMs) * clients;
  const periodMs = 1000 / rate;
  const start = performance.now();
  let next = 0;
  let sentAtMark = -1;
  return new Promise((resolve, reject) => {
    const tick = () => {
      try {
        const now = performance.now();
        if (sentAtMark < 0 && now - start >= options.markAtMs) {
          sentAtMark = next;
          options.onMark();
        }
        for (; next < total; next++) {
          const keystroke = Math.floor(next / clients);
          const client = next % clients;
          if (start + (keystroke + client / clients) * periodMs > now) break;
          options.type(client, keystroke);
        }
        if (next >= total || now > start + durationMs + options.lateLimitMs) {
          clearInterval(timer);
          if (sentAtMark < 0) {
            sentAtMark = next;
            options.onMark();
          }
          resolve({ sent: next, sentAfterMark: next - sentAtMark, unsent: total - next });
        }
      } catch (error) {
        clearInterval(timer);
        reject(error);
      }
    };
    const timer = setInterval(tick, 2);
  });
}
