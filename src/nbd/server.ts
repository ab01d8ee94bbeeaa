// An NBD server for one export of a block backend (what qemu-nbd runs). Transport-agnostic: a
// host accepts connections (TCP, Unix sockets, TLS) and hands each one to accept().
import { NbdClient, type ClientHost, type NbdClientInfo } from './client';
import { describeExport, type ExportInfo, type NbdExportSpec } from './export-info';
import type { NbdConnection, NbdTransport } from './transport';

export type { NbdClientInfo } from './client';
export type { NbdExportSpec } from './export-info';

export type NbdClientEvent =
  | { type: 'client-connected'; client: NbdClientInfo }
  /** The handshake is through (GO or EXPORT_NAME). */
  | { type: 'client-ready'; client: NbdClientInfo }
  | { type: 'client-request'; client: NbdClientInfo; op: string; offset: number; bytes: number; errno: number }
  | { type: 'client-disconnected'; client: NbdClientInfo; reason: string };

export interface NbdServerOptions {
  export: NbdExportSpec;
  /** 'required': with --tls-creds; plain clients get NBD_REP_ERR_TLS_REQD as qemu-nbd does. */
  tls: 'off' | 'required';
  /** Clients coming and going, and each request they complete. */
  onClientEvent?(e: NbdClientEvent): void;
  /** Runs each client request inside fn, so a host can attribute engine events to that client. */
  runAsClient?<T>(clientId: number, fn: () => T): T;
  /** What qemu-nbd reports on stderr (a client dropped and why), without the program name. */
  log?(message: string): void;
  clock?: { now(): number };
}

export class NbdServer {
  private info: ExportInfo | null = null;
  private infoReady: Promise<ExportInfo> | null = null;
  private readonly live = new Set<NbdClient>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: NbdServerOptions) {}

  /** Size and flags are read from the backend once, before the first client (describeExport). */
  prepare(): Promise<ExportInfo> {
    this.infoReady ??= describeExport(this.opts.export).then((info) => (this.info = info));
    return this.infoReady;
  }

  /** A new connection; the host feeds it conn.push(chunk) and conn.end() (peer closed). */
  accept(transport: NbdTransport, peer: string): NbdConnection {
    if (!this.info) throw new Error('NbdServer.prepare() must resolve before accept()');
    if (this.closed) {
      transport.destroy();
      return { push: () => undefined, end: () => undefined, done: Promise.resolve() };
    }
    const o = this.opts;
    const info = this.info;
    const host: ClientHost = {
      info,
      tlsRequired: o.tls === 'required',
      log: (m) => o.log?.(m),
      runAsClient: (id, fn) => (o.runAsClient ? o.runAsClient(id, fn) : fn()),
      ready: (c) => o.onClientEvent?.({ type: 'client-ready', client: { ...c.stats } }),
      requestDone: (c, op, offset, bytes, errno) => {
        if (o.onClientEvent) o.onClientEvent({ type: 'client-request', client: { ...c.stats }, op, offset, bytes, errno });
      },
      closed: (c, reason) => {
        this.live.delete(c);
        o.onClientEvent?.({ type: 'client-disconnected', client: { ...c.stats }, reason });
      },
    };
    const client = new NbdClient(host, transport, this.nextId++, peer, o.clock?.now() ?? Date.now());
    this.live.add(client);
    o.onClientEvent?.({ type: 'client-connected', client: { ...client.stats } });
    return client;
  }

  clients(): NbdClientInfo[] {
    return [...this.live].map((c) => ({ ...c.stats }));
  }

  /** Disconnect every client; resolves once their requests have finished. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.live];
    for (const c of all) c.disconnect('server stopped');
    await Promise.all(all.map((c) => c.done));
  }
}
