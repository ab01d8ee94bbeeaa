// Sockets for an NbdServer: TCP and Unix listeners, each connection a transport the engine's
// server writes to, with STARTTLS when TLS credentials are given.
import * as fs from 'node:fs';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import type { NbdConnection, NbdServer, NbdTransport } from '../nbd/index';

/** TLS server side for STARTTLS (src/host/nbd-tls.ts builds it from QEMU's credential objects). */
export interface NbdTlsServerOptions {
  /** Upgrade an accepted socket once the client asked for STARTTLS; resolves when the handshake is done. */
  upgrade(socket: net.Socket): Promise<tls.TLSSocket>;
}

export interface NbdListenOptions {
  /** port 0: any free port. */
  tcp?: { host: string; port: number };
  /** Socket path (an old socket file there is replaced, as QEMU does). */
  unix?: string;
  /** Clients at once (qemu-nbd -e; 0 = no limit). More connections wait, not refused, until one leaves. */
  shared?: number;
  tls?: NbdTlsServerOptions;
}

export interface NbdListener {
  readonly address: { host: string; port: number } | { socket: string };
  /** Called when a connection closes (clientsNow = connections still open). */
  onClosed(cb: (clientsNow: number) => void): void;
  /** Stop listening and close every connection; resolves once their requests have finished. */
  close(): Promise<void>;
}

/** Output buffered per connection before the server waits (a slow reader of big reads). */
const HIGH_WATER = 8 * 1024 * 1024;

class SocketTransport implements NbdTransport {
  /** Where bytes go after STARTTLS (the TLS socket wraps the plain one). */
  private out: net.Socket;

  constructor(
    private readonly raw: net.Socket,
    private readonly tlsOptions: NbdTlsServerOptions | undefined,
    private readonly deliver: (socket: net.Socket) => void,
  ) {
    this.out = raw;
  }

  write(chunk: Uint8Array): boolean {
    if (this.out.destroyed) return true;
    this.out.write(chunk);
    return this.out.writableLength < HIGH_WATER;
  }

  drained(): Promise<void> {
    if (this.out.destroyed || this.out.writableLength < HIGH_WATER) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  end(): void {
    this.out.end();
    // A peer that never reads must not keep the socket open forever.
    setTimeout(() => this.out.destroy(), 5000).unref();
  }

  destroy(): void {
    this.out.destroy();
  }

  pauseInput(): void {
    this.out.pause();
  }

  resumeInput(): void {
    this.out.resume();
  }

  allocate(bytes: number): Uint8Array {
    return Buffer.allocUnsafe(bytes);
  }

  get startTls(): (() => Promise<void>) | undefined {
    const opts = this.tlsOptions;
    if (!opts) return undefined;
    return async () => {
      this.raw.removeAllListeners('data');
      const secure = await opts.upgrade(this.raw);
      this.out = secure;
      this.deliver(secure);
    };
  }
}

export async function listenNbd(server: NbdServer, opts: NbdListenOptions): Promise<NbdListener> {
  await server.prepare();
  const sockets = new Set<net.Socket>();
  const connections = new Set<Promise<void>>();
  const waiting: net.Socket[] = [];
  let active = 0;
  const closedListeners: Array<(n: number) => void> = [];

  const start = (socket: net.Socket) => {
    active++;
    socket.setNoDelay(true);
    const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix';
    // Input goes to the connection; after STARTTLS, from the TLS socket instead.
    const to: { conn: NbdConnection | null } = { conn: null };
    const deliver = (s: net.Socket) => {
      s.on('data', (chunk: Buffer) => to.conn?.push(chunk));
      s.on('end', () => to.conn?.end());
    };
    const transport = new SocketTransport(socket, opts.tls, deliver);
    const conn = server.accept(transport, peer);
    to.conn = conn;
    deliver(socket);
    socket.on('error', () => conn.end());
    socket.on('close', () => conn.end());
    const done = conn.done.finally(() => {
      connections.delete(done);
      if (!socket.destroyed) socket.end();
    });
    connections.add(done);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      sockets.delete(socket);
      active--;
      const next = waiting.shift();
      if (next) start(next);
      for (const cb of closedListeners) cb(sockets.size);
    };
    socket.on('close', release);
  };

  const netServer = net.createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    const shared = opts.shared ?? 1;
    if (shared > 0 && active >= shared) {
      // As qemu-nbd stops accepting at its limit: the client waits until a slot frees.
      socket.pause();
      waiting.push(socket);
      socket.on('close', () => {
        const i = waiting.indexOf(socket);
        if (i >= 0) {
          waiting.splice(i, 1);
          sockets.delete(socket);
        }
      });
      return;
    }
    start(socket);
  });

  let address: NbdListener['address'];
  if (opts.unix !== undefined) {
    try {
      if (fs.lstatSync(opts.unix).isSocket()) fs.unlinkSync(opts.unix);
    } catch {
      // Nothing there.
    }
    await new Promise<void>((resolve, reject) => {
      netServer.once('error', reject);
      netServer.listen(opts.unix, () => resolve());
    });
    address = { socket: opts.unix };
  } else {
    const tcp = opts.tcp ?? { host: '0.0.0.0', port: 10809 };
    await new Promise<void>((resolve, reject) => {
      netServer.once('error', reject);
      netServer.listen(tcp.port, tcp.host, () => resolve());
    });
    const a = netServer.address() as net.AddressInfo;
    address = { host: tcp.host, port: a.port };
  }

  return {
    address,
    onClosed: (cb) => void closedListeners.push(cb),
    async close() {
      const stopped = new Promise<void>((resolve) => netServer.close(() => resolve()));
      for (const s of waiting) s.destroy();
      waiting.length = 0;
      const clientsDone = server.close();
      for (const s of sockets) s.destroy();
      await stopped;
      await clientsDone;
      await Promise.all([...connections]);
      if (opts.unix !== undefined) {
        try {
          fs.unlinkSync(opts.unix);
        } catch {
          // Already gone.
        }
      }
    },
  };
}
