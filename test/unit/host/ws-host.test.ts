// The web host's WebSocket refuses what is not our page calling: a wrong or missing token, a
// foreign or missing Origin, another path; and survives malformed and oversized messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES, WS_PATH, type WireServerMessage } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { openNodeSession } from '../../../src/host/node-session';
import { startWebServer, type RunningWebServer } from '../../../src/host/web-server';
import { attachWsHost } from '../../../src/host/ws-host';
import type { Session } from '../../../src/session/index';
import { connect } from '../../contract/transports';

let dir: string;
let session: Session;
let server: RunningWebServer;
let origin: string;
let good: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-ws-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>blkstudio</title>');
  session = await openNodeSession();
  server = await startWebServer({ staticDir: dir, handlers: createApiHandlers({ name: 'b', version: '1' }, session), port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
  good = `ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`;
});

afterAll(async () => {
  await server?.close();
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The next message, parsed. */
function next(ws: WebSocket): Promise<WireServerMessage> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as WireServerMessage)));
}

async function stillServing(): Promise<void> {
  const ws = await connect(good, origin);
  const reply = next(ws);
  ws.send(JSON.stringify({ id: 7, method: 'appInfo', args: [] }));
  expect(await reply).toMatchObject({ type: 'reply', id: 7, ok: true, value: { name: 'b' } });
  ws.close();
  expect((await fetch(`${origin}/`)).status).toBe(200);
}

describe('the WebSocket host', () => {
  it('prints a page URL carrying a long random token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts our page: right path, token and Origin (127.0.0.1 or localhost)', async () => {
    await stillServing();
    const ws = await connect(good, `http://localhost:${server.port}`);
    ws.close();
  });

  it.each([
    ['a wrong token', () => good.replace(/token=.*/, 'token=' + 'x'.repeat(43))],
    ['a token one character short', () => good.slice(0, -1)],
    ['no token', () => good.replace(/\?token=.*/, '')],
  ])('refuses %s with 403', async (_what, url) => {
    await expect(connect(url(), origin)).rejects.toThrow('HTTP 403');
    await stillServing();
  });

  it.each([
    ['a foreign Origin', 'https://evil.example'],
    ['another port', 'http://127.0.0.1:1'],
    ['the null Origin', 'null'],
    ['no Origin', undefined],
  ])('refuses %s with 403', async (_what, from) => {
    await expect(connect(good, from)).rejects.toThrow('HTTP 403');
    await stillServing();
  });

  it('refuses other paths with 404', async () => {
    await expect(connect(good.replace(WS_PATH, '/api/other'), origin)).rejects.toThrow('HTTP 404');
  });

  it('answers malformed messages with BAD_MESSAGE and keeps the connection', async () => {
    const ws = await connect(good, origin);
    for (const bad of ['{not json', '[]', '42', '{"method":"appInfo","args":[]}', '{"id":"1","method":"appInfo","args":[]}']) {
      const reply = next(ws);
      ws.send(bad);
      expect(await reply).toMatchObject({ type: 'reply', id: null, ok: false, error: { code: 'BAD_MESSAGE' } });
    }
    const binary = next(ws);
    ws.send(Buffer.from('{"id":1,"method":"appInfo","args":[]}'));
    expect(await binary).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE', message: 'binary messages are not accepted' } });
    const unknown = next(ws);
    ws.send(JSON.stringify({ id: 3, method: '__proto__', args: [] }));
    expect(await unknown).toMatchObject({ id: 3, ok: false, error: { code: 'UNKNOWN_CALL' } });
    const ok = next(ws);
    ws.send(JSON.stringify({ id: 4, method: 'snapshot', args: [] }));
    expect(await ok).toMatchObject({ id: 4, ok: true });
    ws.close();
  });

  it('closes a connection that sends more than 1 MiB (1009) and keeps serving', async () => {
    const ws = await connect(good, origin);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ id: 1, method: 'run', args: ['x'.repeat(MAX_MESSAGE_BYTES)] }));
    expect(await closed).toBe(1009);
    await stillServing();
  });

  it('answers a method nested 5,000 deep (which used to overflow the stack) and keeps serving', async () => {
    const ws = await connect(good, origin);
    const deep = next(ws);
    ws.send(`{"id":9,"method":${'['.repeat(5000)}${']'.repeat(5000)},"args":[]}`);
    expect(await deep).toMatchObject({ type: 'reply', ok: false, error: { code: 'BAD_MESSAGE', message: 'the message nests deeper than 64 levels' } });
    // Within the limit, an array method or args is an unknown call or a bad payload, not a crash.
    const shallow = next(ws);
    ws.send(`{"id":10,"method":${'['.repeat(60)}${']'.repeat(60)},"args":[]}`);
    expect(await shallow).toMatchObject({ id: 10, ok: false, error: { code: 'UNKNOWN_CALL', message: 'unknown call (an array)' } });
    const args = next(ws);
    ws.send(`{"id":11,"method":"run","args":${'['.repeat(60)}${']'.repeat(60)}}`);
    expect(await args).toMatchObject({ id: 11, ok: false, error: { code: 'BAD_PAYLOAD' } });
    // Brackets inside strings do not count.
    const str = next(ws);
    ws.send(JSON.stringify({ id: 12, method: 'appInfo', args: [], note: '['.repeat(500) }));
    expect(await str).toMatchObject({ id: 12, ok: true });
    ws.close();
    await stillServing();
  });
});

/** One HTTP request with the Host header as given. */
function getWithHost(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the Host header (DNS rebinding)', () => {
  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])('serves %s:PORT', async (name) => {
    expect(await getWithHost('/', `${name}:${server.port}`)).toBe(200);
    expect(await getWithHost('/api/app-info', `${name}:${server.port}`)).toBe(200);
  });

  it.each([
    ['a rebound name', () => `evil.example:${server.port}`],
    ['a loopback name on another port', () => 'localhost:1'],
    ['no port', () => 'localhost'],
    ['a name that only starts like ours', () => `localhost:${server.port}.evil.example`],
  ])('refuses %s with 421, the page and /api/app-info alike', async (_what, host) => {
    expect(await getWithHost('/', host())).toBe(421);
    expect(await getWithHost('/api/app-info', host())).toBe(421);
    await stillServing();
  });

  it('refuses a WebSocket upgrade with a foreign Host even with the right token and Origin', async () => {
    const ws = new WebSocket(good, { origin, headers: { host: `evil.example:${server.port}` } });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(421);
    await stillServing();
  });
});


describe('a call that fails inside the host', () => {
  it('is answered INTERNAL with its id, logged, and the host keeps serving', async () => {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const logs: string[] = [];
    // A handler throwing a value whose `message` getter throws: turning it into an error reply throws too.
    const hostile = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('hostile message getter');
      },
    });
    const handlers = {
      ...createApiHandlers({ name: 'b', version: '1' }, session),
      appInfo: () => {
        throw hostile;
      },
    };
    const host = attachWsHost(http, { handlers, token: 't', allowedOrigins: () => [`http://127.0.0.1:${port}`], log: (m) => logs.push(m) });
    try {
      const ws = await connect(`ws://127.0.0.1:${port}${WS_PATH}?token=t`, `http://127.0.0.1:${port}`);
      for (const id of [1, 2]) {
        const reply = next(ws);
        ws.send(JSON.stringify({ id, method: 'appInfo', args: [] }));
        expect(await reply).toMatchObject({ type: 'reply', id, ok: false, error: { code: 'INTERNAL', message: 'hostile message getter' } });
      }
      const other = next(ws);
      ws.send(JSON.stringify({ id: 3, method: 'snapshot', args: [] }));
      expect(await other).toMatchObject({ type: 'reply', id: 3, ok: true });
      ws.close();
      expect(logs).toHaveLength(2);
      expect(logs[0]).toMatch(/^blkstudio: WebSocket call 1 failed in the host: Error: hostile message getter/);
    } finally {
      await host.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
