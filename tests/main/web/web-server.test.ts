import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLatheApi, serverMessageSchema, type ClientPipe } from '../../../src-main/contract';
import { ContractServer, type Handlers } from '../../../src-main/transport/contract-server';
import { resolveStaticPath } from '../../../src-main/web/static-files';
import { startWebServer, type RunningWebServer } from '../../../src-main/web/web-server';
import { chooseAccessToken, tokenMatches } from '../../../src-main/web/access-token';

const TOKEN = 'correct-horse-battery-staple';

const handlers = {
  'app.info': () => ({ version: '9.9.9', dataDir: '/d', transport: 'web' }),
} as unknown as Handlers;

function staticRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lathe-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lathe</title>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'outside the root');
  return root;
}

let server: RunningWebServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(): Promise<RunningWebServer> {
  server = await startWebServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir: staticRoot(), contract: new ContractServer(handlers) });
  return server;
}

/** What happens when a WebSocket tries to connect: opened, or refused with an HTTP status. */
function tryConnect(url: string): Promise<{ opened: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve({ opened: ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', (error) => reject(error));
  });
}

function pipeOver(ws: WebSocket): ClientPipe {
  return {
    send: (message) => ws.send(JSON.stringify(message)),
    onMessage: (receive) =>
      ws.on('message', (data) => {
        const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        if (parsed.success) receive(parsed.data);
      }),
  };
}

describe('web transport', () => {
  it('prints a loopback address that carries the token in the fragment', async () => {
    const { url, port } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}/#token=${TOKEN}`);
  });

  it.each([
    ['no token', ''],
    ['an empty token', '?token='],
    ['a wrong token', '?token=guess'],
    ['a token that is a prefix of the right one', `?token=${TOKEN.slice(0, -1)}`],
  ])('refuses a WebSocket with %s (401) before reading anything', async (_label, query) => {
    const { port } = await start();
    await expect(tryConnect(`ws://127.0.0.1:${port}/ws${query}`)).resolves.toEqual({ status: 401 });
  });

  it('refuses WebSockets on other paths', async () => {
    const { port } = await start();
    await expect(tryConnect(`ws://127.0.0.1:${port}/other?token=${TOKEN}`)).resolves.toEqual({ status: 404 });
  });

  it('serves the contract to a client with the token', async () => {
    const { port } = await start();
    const result = await tryConnect(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
    if (!('opened' in result)) throw new Error(`refused with ${result.status}`);
    const api = createLatheApi(pipeOver(result.opened));
    await expect(api.app.info({})).resolves.toMatchObject({ version: '9.9.9' });
    await expect(api.system.python({ refresh: 1 as unknown as boolean })).rejects.toMatchObject({ kind: 'invalid_input' });
    result.opened.close();
  });

  it('answers a frame that is not JSON with bad_message and keeps the connection', async () => {
    const { port } = await start();
    const result = await tryConnect(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
    if (!('opened' in result)) throw new Error('refused');
    const ws = result.opened;
    const replies: unknown[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
    ws.send('{not json');
    ws.send(JSON.stringify({ t: 'call', id: 1, name: 'app.info', input: {} }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(replies[0]).toMatchObject({ t: 'bad', error: { kind: 'bad_message' } });
    expect(replies[1]).toMatchObject({ t: 'result', id: 1, ok: true });
    ws.close();
  });

  it('serves the UI with the content security policy, and index.html for page paths', async () => {
    const { port } = await start();
    const page = await fetch(`http://127.0.0.1:${port}/system`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Lathe</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`http://127.0.0.1:${port}/assets/app.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`http://127.0.0.1:${port}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the UI folder', async () => {
    const { port } = await start();
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(await response.text()).not.toContain('outside the root');
    }
  });
});

describe('resolveStaticPath', () => {
  it.each([
    ['/', '/srv/ui'],
    ['/assets/a.js', '/srv/ui/assets/a.js'],
    ['/a/../b.js', '/srv/ui/b.js'],
    ['/../../etc/passwd', '/srv/ui/etc/passwd'],
    ['/%2e%2e/%2e%2e/etc/passwd', '/srv/ui/etc/passwd'],
    ['/x%00.js', null],
    ['/%E0%A4%A', null],
  ])('%s → %s', (url, expected) => {
    expect(resolveStaticPath('/srv/ui', url)).toBe(expected);
  });
});

describe('access token', () => {
  it('uses LATHE_TOKEN when given, otherwise a fresh random one', () => {
    expect(chooseAccessToken({ LATHE_TOKEN: 'abc' })).toBe('abc');
    const a = chooseAccessToken({});
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(chooseAccessToken({})).not.toBe(a);
  });

  it('matches only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    for (const wrong of ['', 'ab', 'abcd', 'ABC', null, undefined]) expect(tokenMatches('abc', wrong)).toBe(false);
  });
});
