/** Backoff between reconnect attempts: 1 s, 2 s, 4 s, 8 s, then every 15 s. */
const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 15_000;

export function reconnectDelayMs(failedAttempts: number): number {
  const attempt = Math.max(0, Math.floor(failedAttempts));
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt, 10));
}
