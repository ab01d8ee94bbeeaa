// Seeded fuzzer for the web host's WebSocket: hostile messages (deep nesting, huge arrays,
// wrong types, truncated JSON, invalid UTF-8, binary frames, prototype keys, random bytes) sent
// to the real server in-process, over a session with an image open. After every message the
// server must still be up; after the run a fresh client's valid call must be answered.
//
//   FUZZ_SEED=N   seed (default 20261207; CI uses the default)   FUZZ_CASES=N (default 400)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_METHODS, WS_PATH, type WireServerMessage } from '../../src/api';
import { createApiHandlers } from '../../src/host/api-handlers';
import { openNodeSession } from '../../src/host/node-session';
import { startWebServer, type RunningWebServer } from '../../src/host/web-server';
import type { Session } from '../../src/session/index';
import { connect } from '../contract/transports';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const CASES = Number(process.env.FUZZ_CASES ?? 400);

/** mulberry32: small, seedable, good enough to pick shapes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
let session: Session;
let server: RunningWebServer;
let origin: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-wsfuzz-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>blkstudio</title>');
  session = await openNodeSession();
  // An image is open, so calls that reach the engine do real work.
  await session.openImage({ filename: 'null-co://', format: 'null-co' });
  server = await startWebServer({ staticDir: dir, handlers: createApiHandlers({ name: 'b', version: '1' }, session), subscribe: (fn) => session.subscribe(fn), port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
  url = `ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`;
});

afterAll(async () => {
  await server?.close();
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Message = { data: string | Buffer; binary?: boolean };

function hostile(r: () => number): Message {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = (max: number) => Math.floor(r() * max);
  const method = () => pick([...API_METHODS, '__proto__', 'constructor', 'toString', '', 'x'.repeat(n(2000))]);
  const value = (depth: number): unknown => {
    const k = n(depth > 3 ? 5 : 8);
    if (k === 0) return n(1e9) - 5e8;
    if (k === 1) return pick([null, true, false, -0, 1e308, Number.MAX_SAFE_INTEGER + 2]);
    if (k === 2) return 'é\u0000\ud800'.repeat(n(10)) + 'x'.repeat(n(100));
    if (k === 3) return { __proto__: { polluted: 1 }, constructor: 'x', [String(n(5))]: value(depth + 1) };
    return Array.from({ length: n(4) }, () => value(depth + 1));
  };
  switch (n(11)) {
    case 0: {
      const d = 65 + n(20000);
      const open = pick(['[', '{"a":']);
      return { data: `{"id":1,"method":${open.repeat(d)}1${(open === '[' ? ']' : '}').repeat(d)},"args":[]}` };
    }
    case 1:
      return { data: `{"id":2,"method":"${method()}","args":${'['.repeat(n(64))}` }; // unclosed
    case 2:
      return { data: JSON.stringify({ id: 3, method: method(), args: Array.from({ length: 1000 + n(60000) }, () => n(256)) }) };
    case 3:
      return { data: JSON.stringify({ id: pick(['1', 1.5, -1, null, [], {}, 2 ** 60]), method: method(), args: [] }) };
    case 4:
      return { data: JSON.stringify({ id: 5, method: pick([42, null, {}, [[['run']]], true]), args: value(0) }) };
    case 5:
      return { data: JSON.stringify({ id: 6, method: method(), args: value(0) }) };
    case 6:
      return { data: JSON.stringify({ id: 7, method: method(), args: pick([{}, 'x', 1, null, [value(0), value(0), value(0)]]) }) };
    case 7:
      return { data: Buffer.from(Array.from({ length: 1 + n(300) }, () => n(256))), binary: r() < 0.5 };
    case 8:
      // Invalid UTF-8 in a text frame: ws closes the connection (1007); the server stays up.
      return { data: Buffer.concat([Buffer.from('{"id":8,"method":"run","args":["'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"]}')]), binary: false };
    case 9:
      return { data: `{"id":9,"method":"run","args":["${'\\'.repeat(1 + 2 * n(5000))}"]}` };
    default:
      return { data: JSON.stringify({ id: 10, method: 'run', args: [pick(['read -v 0 512', 'info', 'map', 'help', 'write 0 4k', 'aio_read 0 4k', '\u0000', 'x'.repeat(5000)])] }) };
  }
}

describe(`WebSocket messages fuzzer (seed ${SEED}, ${CASES} cases)`, () => {
  it('never brings the server down and answers a valid call afterwards', async () => {
    const r = rng(SEED);
    let ws: WebSocket | null = null;
    let replies = 0;
    for (let i = 0; i < CASES; i++) {
      if (!ws || ws.readyState !== ws.OPEN) {
        ws = await connect(url, origin);
        ws.on('error', () => undefined);
        ws.on('message', () => replies++);
      }
      const m = hostile(r);
      ws.send(m.data, { binary: m.binary ?? false });
      // Keep the run bounded: wait for the socket to drain every few messages.
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    ws?.close();
    expect(replies).toBeGreaterThan(0);
    const fresh = await connect(url, origin);
    const reply = new Promise<WireServerMessage>((resolve) =>
      fresh.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as WireServerMessage;
        if (msg.type === 'reply' && msg.id === 4242) resolve(msg);
      }),
    );
    fresh.send(JSON.stringify({ id: 4242, method: 'appInfo', args: [] }));
    expect(await reply).toMatchObject({ type: 'reply', id: 4242, ok: true, value: { name: 'b' } });
    fresh.close();
  }, 60_000);
});
