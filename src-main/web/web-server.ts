/**
 * The web transport: the built renderer over HTTP and the contract over a WebSocket at
 * /ws. It is how the UI is tested in Chromium and how a person drives a headless GPU box
 * from a laptop. Bound to 127.0.0.1 unless told otherwise; every WebSocket must carry the
 * access token, and one that does not is refused before any message is read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ServerMessage } from '../contract';
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
  logError?: (context: string, error: unknown) => void;
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
    serveStatic(options.staticDir, req, res).catch((error: unknown) => {
      options.logError?.('static', error);
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
