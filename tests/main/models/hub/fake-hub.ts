/**
 * A local server on 127.0.0.1 that answers like the Hugging Face Hub for the calls Lathe
 * makes: model search (`/api/models`), a repository's file tree with sizes and LFS oids
 * (`/api/models/<repo>/tree/main`), and `/<repo>/resolve/main/<file>`, which redirects (302)
 * to a CDN path that serves the bytes with Range, as the real one does. Each file can
 * misbehave on purpose: drop the connection midway, send slowly, claim another SHA-256 or
 * size, or answer a web page. Used by the vitest suites and the Playwright download spec.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  path: string;
  bytes: Buffer;
  /** Published instead of the real SHA-256 (a mismatch). */
  sha256?: string;
  /** Listed instead of the real size. */
  listedSize?: number;
  contentType?: string;
  /** The first download request is cut after this many bytes. */
  dropAfter?: number;
  /** Bytes per second while sending (chunks of 4 KiB), for slow-server tests. */
  bytesPerSecond?: number;
}

export interface FakeRepo {
  id: string;
  files: FakeFile[];
  downloads?: number;
  likes?: number;
}

export interface FakeHub {
  url: string;
  repos: Map<string, FakeRepo>;
  /** Every request, in order, with the Range it asked for. */
  requests: { path: string; range: string | null }[];
  addRepo(repo: FakeRepo): void;
  close(): Promise<void>;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function startFakeHub(options: { port?: number } = {}): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const requests: FakeHub['requests'] = [];
  const dropped = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: decodeURIComponent(url.pathname), range: req.headers.range ?? null });
    try {
      route(req, res, url);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });

  function route(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = url.pathname;
    if (path === '/api/models') return search(res, url);
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main\/?$/.exec(path);
    if (tree) return listTree(res, decodeURIComponent(tree[1] as string));
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    if (resolve) {
      const repo = repos.get(decodeURIComponent(resolve[1] as string));
      const file = repo?.files.find((f) => f.path === decodeURIComponent(resolve[2] as string));
      if (!repo || !file) return json(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
      res.writeHead(302, { Location: `/cdn/${resolve[1]}/${resolve[2]}` }).end();
      return;
    }
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(path);
    if (cdn) {
      const repo = repos.get(decodeURIComponent(cdn[1] as string));
      const file = repo?.files.find((f) => f.path === decodeURIComponent(cdn[2] as string));
      if (!repo || !file) return json(res, 404, { error: 'Not found' });
      return sendBytes(req, res, `${repo.id}/${file.path}`, file);
    }
    json(res, 404, { error: 'Not found' });
  }

  function search(res: ServerResponse, url: URL): void {
    const query = (url.searchParams.get('search') ?? '').toLowerCase();
    const found = [...repos.values()]
      .filter((r) => r.id.toLowerCase().includes(query))
      .map((r) => ({
        _id: `id-${r.id}`,
        id: r.id,
        private: false,
        gated: false,
        downloads: r.downloads ?? 0,
        likes: r.likes ?? 0,
        lastModified: '2025-01-01T00:00:00.000Z',
        pipeline_tag: 'text-generation',
      }));
    const sort = url.searchParams.get('sort');
    if (sort === 'likes') found.sort((a, b) => b.likes - a.likes);
    else found.sort((a, b) => b.downloads - a.downloads);
    json(res, 200, found.slice(0, Number(url.searchParams.get('limit') ?? 30)));
  }

  function listTree(res: ServerResponse, repoId: string): void {
    const repo = repos.get(repoId);
    // The real Hub answers 401 for a repository that does not exist when no token is sent; a token gets 404.
    if (!repo) return json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    json(
      res,
      200,
      repo.files.map((f) => {
        const size = f.listedSize ?? f.bytes.length;
        const oid = f.sha256 ?? sha256Of(f.bytes);
        return { type: 'file', oid: 'a'.repeat(40), size, path: f.path, lfs: { oid, size, pointerSize: 134 } };
      }),
    );
  }

  function sendBytes(req: IncomingMessage, res: ServerResponse, key: string, file: FakeFile): void {
    const total = file.bytes.length;
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const end = match && match[2] ? Math.min(Number(match[2]), total - 1) : total - 1;
    if (start >= total) {
      res.writeHead(416, { 'Content-Range': `bytes */${total}` }).end();
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': file.contentType ?? 'application/octet-stream',
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      ETag: `"${sha256Of(file.bytes)}"`,
    };
    if (match) headers['Content-Range'] = `bytes ${start}-${end}/${total}`;
    res.writeHead(match ? 206 : 200, headers);
    let body = file.bytes.subarray(start, end + 1);
    let cut = false;
    if (file.dropAfter !== undefined && !dropped.has(key) && start < file.dropAfter) {
      dropped.add(key);
      body = body.subarray(0, file.dropAfter - start);
      cut = true;
    }
    const chunk = 4096;
    const delay = file.bytesPerSecond ? (chunk * 1000) / file.bytesPerSecond : 0;
    let at = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (at >= body.length) {
        // Give the bytes written a moment to leave, then cut the connection mid-file.
        if (cut) setTimeout(() => res.socket?.destroy(), 100);
        else res.end();
        return;
      }
      const piece = body.subarray(at, at + (delay ? chunk : body.length));
      at += piece.length;
      res.write(piece);
      if (delay) setTimeout(next, delay);
      else next();
    };
    next();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    repos,
    requests,
    addRepo: (repo) => repos.set(repo.id, repo),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/** A stand-in for the HTML page a captive portal or proxy answers with. */
export const HTML_PAGE = Buffer.from('<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in to continue.</body></html>\n'.repeat(20));
