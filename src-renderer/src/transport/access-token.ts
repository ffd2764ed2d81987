/**
 * The web transport's access token: `lathe serve` prints an address ending in `#token=…`.
 * The fragment never reaches the server's logs; we keep the token in sessionStorage so a
 * reload still works, and take it out of the address bar so it is not shared by accident.
 */
export const TOKEN_STORAGE_KEY = 'lathe.token';

export interface HashToken {
  token: string | null;
  /** The fragment to leave in the address bar: the original one when it held no token. */
  rest: string;
}

export function takeTokenFromHash(hash: string): HashToken {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!/(^|&)token=/.test(body)) return { token: null, rest: hash };
  const params = new URLSearchParams(body);
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  return { token: token ? token : null, rest: rest ? `#${rest}` : '' };
}

/** The same-origin WebSocket address: `wss` behind https, `ws` otherwise. */
export function socketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}
