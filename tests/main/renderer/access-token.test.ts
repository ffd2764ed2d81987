import { describe, expect, it } from 'vitest';
import { socketUrl, takeTokenFromHash } from '../../../src-renderer/src/transport/access-token';
import { reconnectDelayMs } from '../../../src-renderer/src/transport/reconnect-delay';

describe('takeTokenFromHash', () => {
  it('takes the token and leaves nothing behind when it was alone', () => {
    expect(takeTokenFromHash('#token=abc%2Fdef')).toEqual({ token: 'abc/def', rest: '' });
  });

  it('keeps the other fragment parameters', () => {
    expect(takeTokenFromHash('#token=abc&page=system')).toEqual({ token: 'abc', rest: '#page=system' });
  });

  it('leaves a fragment without a token untouched', () => {
    expect(takeTokenFromHash('#/some/where')).toEqual({ token: null, rest: '#/some/where' });
    expect(takeTokenFromHash('')).toEqual({ token: null, rest: '' });
  });

  it('treats an empty token as none, but still removes it from the address', () => {
    expect(takeTokenFromHash('#token=')).toEqual({ token: null, rest: '' });
  });
});

describe('socketUrl', () => {
  it('uses the page host, wss behind https, and escapes the token', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:4100' }, 'a b')).toBe('ws://127.0.0.1:4100/ws?token=a%20b');
    expect(socketUrl({ protocol: 'https:', host: 'box.lan' }, 't')).toBe('wss://box.lan/ws?token=t');
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from one second and stops growing at fifteen', () => {
    expect([0, 1, 2, 3, 4, 50].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });
});
