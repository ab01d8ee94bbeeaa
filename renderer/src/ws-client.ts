// Web mode's session API: calls and event batches over the host's WebSocket (WS_PATH with the
// page's ?token=). Connects on first use; a lost connection fails the calls waiting on it.
import { ApiError, API_METHODS, unwrap, WS_PATH, type ApiMethod, type ApiResult, type EventBatch, type EventsListener, type WireServerMessage } from '../../src/api';

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', fn: (ev: { data?: unknown }) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

/** The WebSocket URL for a page at `pageUrl` (its token goes along). */
export function wsUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const url = new URL(WS_PATH, page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  const token = page.searchParams.get('token');
  if (token) url.searchParams.set('token', token);
  return url.href;
}

export class WsConnection {
  private opened: Promise<SocketLike> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResult<unknown>) => void>();
  private readonly listeners = new Set<EventsListener>();

  constructor(
    private readonly url: string,
    private readonly factory: SocketFactory,
  ) {}

  private connect(): Promise<SocketLike> {
    if (this.opened) return this.opened;
    if (!new URL(this.url).searchParams.get('token')) {
      return Promise.reject(new ApiError('FORBIDDEN', 'open the URL blkstudio printed: this page has no ?token= for the engine'));
    }
    this.opened = new Promise((resolve, reject) => {
      const ws = this.factory(this.url);
      ws.addEventListener('open', () => resolve(ws));
      ws.addEventListener('message', (ev) => this.onMessage(ev.data));
      ws.addEventListener('close', () => {
        reject(new ApiError('INTERNAL', 'the engine connection was refused or closed'));
        this.opened = null;
        for (const done of this.pending.values()) done({ ok: false, error: { code: 'INTERNAL', message: 'the engine connection closed' } });
        this.pending.clear();
      });
    });
    return this.opened;
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: WireServerMessage;
    try {
      msg = JSON.parse(data) as WireServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'events') {
      for (const fn of this.listeners) fn(msg.batch);
    } else if (msg.type === 'reply' && msg.id !== null) {
      const done = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      done?.(msg);
    }
  }

  async call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    const ws = await this.connect();
    const id = this.nextId++;
    const result = new Promise<ApiResult<unknown>>((resolve) => this.pending.set(id, resolve));
    ws.send(JSON.stringify({ id, method, args }));
    return unwrap(await result);
  }

  onEvents(listener: EventsListener): () => void {
    this.listeners.add(listener);
    void this.connect().catch(() => undefined);
    return () => void this.listeners.delete(listener);
  }

  /** Test hook: deliver a batch as if the host sent it. */
  emit(batch: EventBatch): void {
    for (const fn of this.listeners) fn(batch);
  }
}

/** Every call as a function over the connection. */
export function wsCalls(conn: WsConnection): Record<ApiMethod, (...args: unknown[]) => Promise<unknown>> {
  return Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => conn.call(m, args)])) as Record<ApiMethod, (...args: unknown[]) => Promise<unknown>>;
}
