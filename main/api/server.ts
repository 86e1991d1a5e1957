// `chorus serve`: the built renderer over HTTP plus the API over a WebSocket, loopback only,
// guarded by a random per-launch token that the printed URL carries.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { bindWebSocket } from './ws';
import { discardAllUploads } from './handlers/uploads';
import type { ApiServices } from './handlers/context';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

export interface ServeOptions {
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  root: string;
  /** Fixed token (tests); random by default. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses Host headers that are not loopback (DNS rebinding). */
function hostAllowed(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return LOOPBACK_HOSTS.includes(host);
}

export async function startServer(services: ApiServices, opts: ServeOptions): Promise<RunningServer> {
  if (!LOOPBACK_HOSTS.includes(opts.host)) throw new Error(`--host must be a loopback address (${LOOPBACK_HOSTS.join(', ')}), got '${opts.host}'`);
  const root = resolve(opts.root);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`no built renderer at ${root}; run \`npm run build\` first`);
  const token = opts.token ?? randomBytes(24).toString('base64url');

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(403).end('forbidden host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
    const file = join(root, rel);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api' || !hostAllowed(req) || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bindWebSocket(ws, services));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostInUrl}:${port}/?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      discardAllUploads();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
