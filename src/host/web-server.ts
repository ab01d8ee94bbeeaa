// Web mode's host: serves the built renderer (out/renderer), app info over plain HTTP and the
// session API over a token-guarded WebSocket (ws-host.ts), on 127.0.0.1 only.
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { HTTP_ROUTES, type AppInfo, type EventBatch } from '../api';
import { attachWsHost, type WsHostOptions } from './ws-host';

export interface WebServerOptions {
  /** Directory holding the built renderer (index.html and assets/). */
  staticDir: string;
  handlers: WsHostOptions['handlers'];
  /** The WebSocket's token (default: 32 random bytes, base64url). */
  token?: string;
  /** Session event batches to push to WebSocket clients. */
  subscribe?: (listener: (batch: EventBatch) => void) => () => void;
}

/** What the plain-HTTP routes answer. */
export type HttpHandlers = { appInfo(): AppInfo | Promise<AppInfo> };

export interface RunningWebServer {
  server: Server;
  /** The page's URL, with the token. */
  url: string;
  port: number;
  token: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const sendText = (res: ServerResponse, status: number, text: string) => send(res, status, 'text/plain; charset=utf-8', text + '\n');

/** Maps a URL path to a file under staticDir, or undefined if it escapes it or does not exist. */
export function resolveStaticPath(staticDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = resolve(staticDir);
  const file = resolve(join(root, decoded === '/' ? 'index.html' : decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Answers /api/* routes; returns false when the path is not an API route. */
export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, handlers: HttpHandlers): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== HTTP_ROUTES.appInfo) return false;
  if (req.method !== 'GET') {
    res.setHeader('allow', 'GET');
    sendText(res, 405, 'Method Not Allowed');
    return true;
  }
  try {
    const body = await handlers.appInfo();
    res.setHeader('cache-control', 'no-store');
    send(res, 200, CONTENT_TYPES['.json']!, JSON.stringify(body));
  } catch (err) {
    send(res, 500, CONTENT_TYPES['.json']!, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
  }
  return true;
}

/**
 * DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches this
 * server with `Host: evil.example:PORT`. Only loopback names and the bound address pass.
 */
export function hostAllowed(hostHeader: string | undefined, port: number, boundHost: string): boolean {
  if (!hostHeader) return false;
  const names = new Set(['localhost', '127.0.0.1', '[::1]', boundHost.includes(':') ? `[${boundHost}]` : boundHost]);
  for (const name of names) if (hostHeader.toLowerCase() === `${name}:${port}`) return true;
  return false;
}

export function createWebServer(options: Pick<WebServerOptions, 'staticDir' | 'handlers'> & { hostAllowed?: (host: string | undefined) => boolean }): Server {
  return createServer((req, res) => {
    if (options.hostAllowed && !options.hostAllowed(req.headers.host)) return sendText(res, 421, 'Misdirected Request: this server answers only to its loopback address');
    void (async () => {
      if (await handleApiRequest(req, res, options.handlers)) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return sendText(res, 405, 'Method Not Allowed');
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const file = resolveStaticPath(options.staticDir, path);
      if (!file) return sendText(res, 404, 'Not Found');
      res.writeHead(200, {
        ...BASE_HEADERS,
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': statSync(file).size,
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
}

/** Starts the server on 127.0.0.1 (port 0 picks a free port) and resolves once it listens. */
export function startWebServer(options: WebServerOptions & { port: number; host?: string }): Promise<RunningWebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0;
  const allowHost = (h: string | undefined) => hostAllowed(h, port, host);
  const server = createWebServer({ ...options, hostAllowed: allowHost });
  const ws = attachWsHost(server, {
    handlers: options.handlers,
    token,
    hostAllowed: allowHost,
    subscribe: options.subscribe,
    allowedOrigins: () => [`http://${host}:${port}`, `http://localhost:${port}`],
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolvePromise({
        server,
        port,
        token,
        url: `http://${host}:${port}/?token=${token}`,
        close: () =>
          new Promise<void>((done, fail) => {
            void ws.close();
            server.close((e) => (e ? fail(e) : done()));
            // Keep-alive sockets (browsers, fetch) would otherwise hold close() open for seconds.
            server.closeAllConnections();
          }),
      });
    });
  });
}
