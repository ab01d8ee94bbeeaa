import { describe, expect, it } from 'vitest';
import { WsConnection, type SocketLike } from '../../../renderer/src/ws-client';
import { ApiError, type EventBatch } from '../../../src/api';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  private listeners = new Map<string, Array<(ev: { data?: unknown }) => void>>();
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  addEventListener(type: string, fn: (ev: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  fire(type: string, data?: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) fn({ data });
  }
}

function setup(url = 'ws://127.0.0.1:1/api/ws?token=t') {
  const sockets: FakeSocket[] = [];
  const conn = new WsConnection(url, (u) => {
    const s = new FakeSocket(u);
    sockets.push(s);
    queueMicrotask(() => s.fire('open'));
    return s;
  });
  return { conn, sockets };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('WsConnection', () => {
  it('sends calls as { id, method, args } and resolves with the reply value', async () => {
    const { conn, sockets } = setup();
    const answer = conn.call('run', ['read 0 512']);
    await tick();
    expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({ id: 1, method: 'run', args: ['read 0 512'] });
    sockets[0]!.fire('message', JSON.stringify({ type: 'reply', id: 1, ok: true, value: { rc: 0 } }));
    await expect(answer).resolves.toEqual({ rc: 0 });
  });

  it('rejects with ApiError carrying the error code', async () => {
    const { conn, sockets } = setup();
    const answer = conn.call('resume', [{ tag: 'x' }]);
    await tick();
    sockets[0]!.fire('message', JSON.stringify({ type: 'reply', id: 1, ok: false, error: { code: 'NO_SUCH_TAG', message: 'no' } }));
    const err = await answer.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'NO_SUCH_TAG', message: 'no' });
  });

  it('delivers event batches, ignores garbage and fails pending calls when the socket closes', async () => {
    const { conn, sockets } = setup();
    const got: EventBatch[] = [];
    conn.onEvents((b) => got.push(b));
    const answer = conn.call('snapshot', []);
    await tick();
    const batch: EventBatch = { seq: 1, at: 0, events: [], summarized: false };
    sockets[0]!.fire('message', JSON.stringify({ type: 'events', batch }));
    sockets[0]!.fire('message', '{garbage');
    expect(got).toEqual([batch]);
    sockets[0]!.fire('close');
    await expect(answer).rejects.toThrow('the engine connection closed');
  });

  it('refuses to connect without a token', async () => {
    const { conn, sockets } = setup('ws://127.0.0.1:1/api/ws');
    await expect(conn.call('snapshot', [])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(sockets).toHaveLength(0);
  });
});
