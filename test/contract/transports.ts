// The two ways a UI reaches a Session, behind one small client interface so the contract suite
// runs unchanged against both: the WebSocket host (a real server, a `ws` client) and the Electron
// IPC binding (registerIpc with a fake ipcMain, events through a fake webContents.send).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach } from 'vitest';
import { join } from 'node:path';
import WebSocket from 'ws';
import { forwardEvents, registerIpc } from '../../main/ipc';
import { CHANNELS, EVENTS_CHANNEL, WS_PATH, type ApiMethod, type ApiResult, type EventBatch, type WireServerMessage } from '../../src/api';
import { createApiHandlers } from '../../src/host/api-handlers';
import { startWebServer } from '../../src/host/web-server';
import type { Session } from '../../src/session/index';
import { FakeIpcMain } from '../unit/main/fake-ipc';

export interface ContractClient {
  call(method: ApiMethod | string, ...args: unknown[]): Promise<ApiResult<unknown>>;
  /** Every event batch received so far. */
  batches: EventBatch[];
  close(): Promise<void>;
}

export type TransportFactory = (session: Session, dir: string) => Promise<ContractClient>;

/** Polls until check() holds (events arrive in batches, asynchronously). */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A call's value, or a thrown error naming the call and its error DTO. */
export async function callValue<T>(client: ContractClient, method: string, ...args: unknown[]): Promise<T> {
  const r = await client.call(method, ...args);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const META = { name: 'blkstudio', version: '0.0.0-test' };
const PAGE = 'file:///app/out/renderer/index.html';

export const ipcTransport: TransportFactory = async (session) => {
  const ipc = new FakeIpcMain();
  registerIpc(ipc, createApiHandlers(META, session), (e) => e.senderFrame?.url === PAGE);
  const batches: EventBatch[] = [];
  const webContents = { send: (channel: string, batch: EventBatch) => channel === EVENTS_CHANNEL && batches.push(batch) };
  const stop = forwardEvents((fn) => session.subscribe(fn), () => webContents);
  const channelOf = (m: string) => (CHANNELS as Record<string, string>)[m] ?? m;
  return {
    batches,
    call: (method, ...args) => ipc.invoke(channelOf(method), PAGE, ...args) as Promise<ApiResult<unknown>>,
    close: async () => stop(),
  };
};

/** Opens a `ws` client to a running host; resolves once open. */
export function connect(url: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

export const wsTransport: TransportFactory = async (session, dir) => {
  const site = join(dir, 'site');
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>blkstudio</title>');
  const server = await startWebServer({ staticDir: site, handlers: createApiHandlers(META, session), subscribe: (fn) => session.subscribe(fn), port: 0 });
  const ws = await connect(`ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`, `http://127.0.0.1:${server.port}`);
  const batches: EventBatch[] = [];
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as WireServerMessage;
    if (msg.type === 'events') batches.push(msg.batch);
    else if (msg.id !== null) {
      const { type: _type, id: _id, ...result } = msg;
      pending.get(msg.id)?.(result as ApiResult<unknown>);
    }
  });
  let id = 0;
  return {
    batches,
    call: (method, ...args) =>
      new Promise((resolve) => {
        pending.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, args }));
      }),
    close: async () => {
      ws.close();
      await server.close();
    },
  };
};

/** Both transports, for describe.each. */
export const TRANSPORTS: Array<[string, TransportFactory]> = [
  ['WebSocket host', wsTransport],
  ['Electron IPC', ipcTransport],
];

/** A session and a client on `transport` for each test of a suite, closed after it (`open` makes the session). */
export function useContractClient(transport: TransportFactory, open: () => Promise<Session>) {
  const ctx = {} as { dir: string; session: Session; client: ContractClient; value: <T>(method: string, ...args: unknown[]) => Promise<T> };
  beforeEach(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'blkstudio-contract-'));
    ctx.session = await open();
    ctx.client = await transport(ctx.session, ctx.dir);
    ctx.value = <T>(method: string, ...args: unknown[]) => callValue<T>(ctx.client, method, ...args);
  });
  afterEach(async () => {
    await ctx.client.close();
    await ctx.session.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}
