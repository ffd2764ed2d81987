/**
 * The web transport: the built renderer over HTTP, the contract over a WebSocket at /ws,
 * and model uploads as HTTP PUTs to /upload/<uploadId>. It is how the UI is tested in
 * Chromium and how a person drives a headless GPU box from a laptop. Bound to 127.0.0.1
 * unless told otherwise; every WebSocket and every upload must carry the access token, and
 * a request that does not is refused before anything it sent is read.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LatheError, toErrorPayload, type ServerMessage } from '../contract';
import { UploadOffsetConflict, UploadTooLarge } from '../models/upload-errors';
import type { ContractServer } from '../transport/contract-server';
import { tokenMatches } from './access-token';
import { serveStatic } from './static-files';

export interface WebServerOptions {
  host: string;
  port: number;
  token: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  contract: ContractServer;
  /** Where upload bodies go (the upload sessions); without it /upload/ answers 404. */
  uploads?: UploadReceiver;
  logError?: (context: string, error: unknown) => void;
}

/** Takes one chunk of an upload begun over the contract (`models.beginUpload`). */
export interface UploadReceiver {
  append(uploadId: string, offset: number, body: AsyncIterable<Uint8Array>, declaredLength?: number): Promise<{ receivedBytes: number }>;
}

export interface RunningWebServer {
  /** The address to open, with the token in the fragment (never sent to the server in logs). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Messages past this size are refused: no contract call needs more (uploads use HTTP). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const http: Server = createServer((req, res) => {
    const uploadId = uploadIdOf(req.url);
    const handled = uploadId === null ? serveStatic(options.staticDir, req, res) : receiveUpload(uploadId, req, res, options);
    handled.catch((error: unknown) => {
      options.logError?.(uploadId === null ? 'static' : 'upload', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  http.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (!tokenMatches(options.token, url.searchParams.get('token'))) {
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/#token=${encodeURIComponent(options.token)}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function refuse(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function attach(ws: WebSocket, options: WebServerOptions): void {
  const connection = options.contract.connect({
    send: (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    let decoded: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      decoded = JSON.parse(data.toString());
    } catch {
      decoded = undefined;
    }
    connection.receive(decoded);
  });
  ws.on('close', () => connection.close());
  ws.on('error', (error) => {
    options.logError?.('websocket', error);
    connection.close();
  });
}

/** `/upload/<uploadId>` → the id (checked by the sessions, which made it); null for every other path. */
function uploadIdOf(rawUrl: string | undefined): string | null {
  const prefix = '/upload/';
  const path = (rawUrl ?? '/').split('?')[0] ?? '/';
  return path.startsWith(prefix) ? path.slice(prefix.length) : null;
}

/**
 * PUT /upload/<uploadId> with `Authorization: Bearer <token>` and `Upload-Offset: <n>`: the
 * body is appended at byte n. Answers `{ receivedBytes }`; 409 carries the offset to resume
 * from, 413 a body that would pass the size declared when the upload began.
 */
async function receiveUpload(uploadId: string, req: IncomingMessage, res: ServerResponse, options: WebServerOptions): Promise<void> {
  if (req.method !== 'PUT') return answer(res, 405, problem('invalid_input', 'Uploads are sent with PUT.'), { allow: 'PUT' });
  if (!tokenMatches(options.token, bearerToken(req.headers.authorization))) {
    return answer(res, 401, problem('unauthorized', 'This upload needs the access token (Authorization: Bearer <token>).'));
  }
  if (!options.uploads) return answer(res, 404, problem('not_found', 'This server takes no uploads.'));
  const offset = byteCount(req.headers['upload-offset']);
  if (offset === null) return answer(res, 400, problem('invalid_input', 'The Upload-Offset header must be the byte the chunk starts at.'));
  const declaredLength = byteCount(req.headers['content-length']) ?? undefined;
  try {
    const { receivedBytes } = await options.uploads.append(uploadId, offset, req, declaredLength);
    answer(res, 200, { receivedBytes });
  } catch (error) {
    if (res.destroyed) return; // the client went away mid-body; it resumes from what arrived
    if (error instanceof UploadOffsetConflict) return answer(res, 409, { receivedBytes: error.receivedBytes, error: error.toPayload() });
    if (error instanceof UploadTooLarge) return answer(res, 413, { error: error.toPayload() });
    if (error instanceof LatheError && error.kind === 'not_found') return answer(res, 404, { error: error.toPayload() });
    if (error instanceof LatheError && error.kind === 'invalid_input') return answer(res, 400, { error: error.toPayload() });
    options.logError?.('upload', error);
    answer(res, 500, { error: toErrorPayload(error) });
  }
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    // A refused request's body may still be arriving: close rather than read it all to reuse the socket.
    ...(status === 200 ? {} : { connection: 'close' }),
    ...headers,
  });
  res.end(text);
}

function problem(kind: 'invalid_input' | 'unauthorized' | 'not_found', message: string): { error: { kind: string; message: string } } {
  return { error: { kind, message } };
}

function bearerToken(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

function byteCount(header: string | string[] | undefined): number | null {
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header.trim())) return null;
  const value = Number(header.trim());
  return Number.isSafeInteger(value) ? value : null;
}
