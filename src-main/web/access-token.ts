/**
 * The web transport's shared secret. Anyone who can reach the port could otherwise drive
 * Lathe (start training, read files it lists), so every WebSocket must present the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function chooseAccessToken(env: Record<string, string | undefined>): string {
  return env.LATHE_TOKEN && env.LATHE_TOKEN.length > 0 ? env.LATHE_TOKEN : randomBytes(24).toString('base64url');
}

/** Compares in constant time; hashing first makes the lengths equal. */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
