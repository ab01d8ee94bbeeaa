// Web mode's session API: one WebSocket endpoint on the web server. Only upgrades to WS_PATH with
// the server's token and our own Origin get through; each message is a WireCall answered with a
// WireReply, and the session's event batches are pushed to every client as WireEvents.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { jsonNestsDeeperThan, MAX_MESSAGE_DEPTH } from '../api/json-depth';
import { dispatch, MAX_MESSAGE_BYTES, WS_PATH, type ApiHandlers, type EventBatch, type WireReply, type WireServerMessage } from '../api';

export interface WsHostOptions {
  handlers: ApiHandlers;
  token: string;
  /** Session event batches; returns the unsubscribe function. */
  subscribe?: (listener: (batch: EventBatch) => void) => () => void;
  /** Origins allowed to connect (the page's own, e.g. http://127.0.0.1:PORT). */
  allowedOrigins: () => string[];
  /** The Host header check of the HTTP server (DNS rebinding), applied to upgrades too. */
  hostAllowed?: (host: string | undefined) => boolean;
  maxMessageBytes?: number;
  /** Where a call that failed inside the host (not a handler's error reply) is reported; default stderr. */
  log?: (message: string) => void;
}

/** A client this far behind (bytes queued) is dropped rather than buffering without bound. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface WsHost {
  clients(): number;
  close(): Promise<void>;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why an upgrade request is refused, or undefined when it may connect. */
export function upgradeRefusal(req: IncomingMessage, token: string, origins: string[]): string | undefined {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== WS_PATH) return '404 Not Found';
  if (!sameToken(url.searchParams.get('token'), token)) return '403 Forbidden';
  const origin = req.headers.origin;
  if (!origin || !origins.includes(origin)) return '403 Forbidden';
  return undefined;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function readCall(data: RawData, isBinary: boolean): { id: number; method: unknown; args: unknown } | WireReply {
  const bad = (message: string): WireReply => ({ type: 'reply', id: null, ok: false, error: { code: 'BAD_MESSAGE', message } });
  if (isBinary) return bad('binary messages are not accepted');
  const text = data.toString();
  if (jsonNestsDeeperThan(text, MAX_MESSAGE_DEPTH)) return bad(`the message nests deeper than ${MAX_MESSAGE_DEPTH} levels`);
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return bad('the message is not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad('a call is an object { id, method, args }');
  const { id, method, args } = msg as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return bad('a call needs an integer id');
  return { id, method, args };
}

export function attachWsHost(server: Server, options: WsHostOptions): WsHost {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES });

  const send = (ws: WebSocket, msg: WireServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1013, 'client too slow');
    ws.send(JSON.stringify(msg));
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = options.hostAllowed && !options.hostAllowed(req.headers.host) ? '421 Misdirected Request' : upgradeRefusal(req, options.token, options.allowedOrigins());
    if (refusal) return refuse(socket, refusal);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    // Oversized messages close the connection with 1009 inside ws; the error must not escape.
    ws.on('error', () => ws.terminate());
    const unsubscribe = options.subscribe?.((batch) => send(ws, { type: 'events', batch }));
    ws.on('close', () => unsubscribe?.());
    // Nothing a peer sends may take the process down: every failure becomes a reply.
    ws.on('message', (data, isBinary) => {
      let id: number | null = null;
      const fail = (err: unknown) => {
        try {
          (options.log ?? ((m: string) => process.stderr.write(m + '\n')))(`blkstudio: WebSocket call ${id ?? '(no id)'} failed in the host: ${err instanceof Error ? (err.stack ?? err.message) : typeof err}`);
        } catch {
          // A failing log must not take the process down either.
        }
        try {
          send(ws, { type: 'reply', id, ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message.slice(0, 200) : 'internal error' } });
        } catch {
          ws.terminate();
        }
      };
      try {
        const call = readCall(data, isBinary);
        if ('type' in call) return send(ws, call);
        id = call.id;
        dispatch(options.handlers, call.method, call.args)
          .then((result) => send(ws, { type: 'reply', id: call.id, ...result }))
          .catch(fail);
      } catch (err) {
        fail(err);
      }
    });
  });

  return {
    clients: () => wss.clients.size,
    close: () =>
      new Promise<void>((done) => {
        server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => done());
      }),
  };
}
