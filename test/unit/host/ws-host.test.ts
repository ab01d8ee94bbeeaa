// The web host's WebSocket refuses what is not our page calling: a wrong or missing token, a
// foreign or missing Origin, another path; and survives malformed and oversized messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES, WS_PATH, type WireServerMessage } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { openNodeSession } from '../../../src/host/node-session';
import { startWebServer, type RunningWebServer } from '../../../src/host/web-server';
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
});
