// One client connection: the handshake, then the transmission loop that reads requests (up to
// MAX_NBD_REQUESTS at once), checks them as qemu-nbd does and runs them; replies go out in the
// order requests complete.
import type { ExportInfo } from './export-info';
import { DisconnectClient, handleCommand, sendGeneric, type CommandContext, type NbdRequest } from './commands';
import { HandshakeFailed, negotiate, type MetaContexts } from './negotiate';
import {
  cmdName,
  MAX_NBD_REQUESTS,
  NBD_CMD_BLOCK_STATUS,
  NBD_CMD_CACHE,
  NBD_CMD_DISC,
  NBD_CMD_FLAG_DF,
  NBD_CMD_FLAG_FAST_ZERO,
  NBD_CMD_FLAG_FUA,
  NBD_CMD_FLAG_NO_HOLE,
  NBD_CMD_FLAG_REQ_ONE,
  NBD_CMD_READ,
  NBD_CMD_TRIM,
  NBD_CMD_WRITE,
  NBD_CMD_WRITE_ZEROES,
  NBD_FLAG_READ_ONLY,
  NBD_MAX_BUFFER_SIZE,
  NBD_REQUEST_MAGIC,
} from './protocol';
import { ByteReader, StreamEnded } from './reader';
import type { NbdConnection, NbdTransport } from './transport';

export interface NbdClientInfo {
  id: number;
  peer: string;
  /** The export it asked for, once the handshake is through. */
  exportName: string | null;
  connectedAt: number;
  requests: number;
  reads: number;
  writes: number;
  errors: number;
  inFlight: number;
  bytesRead: number;
  bytesWritten: number;
}

/** What a client needs of its server. */
export interface ClientHost {
  info: ExportInfo;
  tlsRequired: boolean;
  log(message: string): void;
  runAsClient<T>(clientId: number, fn: () => T): T;
  ready(client: NbdClient): void;
  requestDone(client: NbdClient, op: string, offset: number, bytes: number, errno: number): void;
  closed(client: NbdClient, reason: string): void;
}

const OPS: Record<number, string> = {
  [NBD_CMD_READ]: 'read',
  [NBD_CMD_WRITE]: 'write',
  [NBD_CMD_WRITE_ZEROES]: 'write-zeroes',
  [NBD_CMD_TRIM]: 'trim',
  [NBD_CMD_BLOCK_STATUS]: 'block-status',
  [NBD_CMD_CACHE]: 'cache',
  3: 'flush',
};

export class NbdClient implements NbdConnection {
  readonly stats: NbdClientInfo;
  readonly done: Promise<void>;
  private readonly reader: ByteReader;
  private closing = false;
  private closeReason = 'client disconnected';
  private inFlight = 0;
  private slotFree: (() => void) | null = null;
  private idle: (() => void) | null = null;
  /** The last write hit the transport's high-water mark. */
  private congested = false;
  /** NBD_OPT_STRUCTURED_REPLY was negotiated (READ may then carry NBD_CMD_FLAG_DF). */
  private structuredReply = false;

  constructor(
    private readonly host: ClientHost,
    private readonly transport: NbdTransport,
    id: number,
    peer: string,
    now: number,
  ) {
    this.stats = { id, peer, exportName: null, connectedAt: now, requests: 0, reads: 0, writes: 0, errors: 0, inFlight: 0, bytesRead: 0, bytesWritten: 0 };
    this.reader = new ByteReader(
      transport.pauseInput && transport.resumeInput ? { pause: () => transport.pauseInput!(), resume: () => transport.resumeInput!() } : undefined,
    );
    this.done = this.run().catch((e: unknown) => {
      // A bug must not take the server down: drop this client and say why.
      this.host.log(`Disconnect client, due to: internal error: ${e instanceof Error ? e.message : String(e)}`);
      this.close('internal error');
    });
  }

  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  end(): void {
    this.reader.end();
  }

  /** Disconnect now (the server is stopping); running requests finish on their own. */
  disconnect(reason: string): void {
    this.close(reason);
  }

  private close(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.closeReason = reason;
    this.reader.end();
    this.transport.end();
    this.slotFree?.();
  }

  private send = (bytes: Uint8Array): void => {
    if (this.closing) return;
    if (!this.transport.write(bytes)) this.congested = true;
  };

  private async run(): Promise<void> {
    let negotiated;
    try {
      negotiated = await negotiate(this.reader, this.transport, this.host.info, this.host.tlsRequired);
    } catch (e) {
      if (!(e instanceof HandshakeFailed)) throw e;
      if (!this.closing) this.host.log(`option negotiation failed: ${e.message}`);
      this.close(`handshake failed: ${e.message}`);
      this.host.closed(this, this.closeReason);
      return;
    }
    if (negotiated.outcome === 'abort') {
      this.close('client aborted the handshake');
      this.host.closed(this, this.closeReason);
      return;
    }
    this.stats.exportName = negotiated.exportName;
    this.host.ready(this);
    await this.transmit(negotiated.structuredReply, negotiated.meta);
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.host.closed(this, this.closeReason);
  }

  private async transmit(structuredReply: boolean, meta: MetaContexts): Promise<void> {
    const info = this.host.info;
    this.structuredReply = structuredReply;
    const alloc = this.transport.allocate?.bind(this.transport);
    const ctx: CommandContext = { blk: info.spec.blk, structuredReply, meta, send: this.send, allocate: alloc ?? ((n) => new Uint8Array(n)) };
    const disconnect = (message: string | null) => {
      if (message !== null && !this.closing) this.host.log(`Disconnect client, due to: ${message}`);
      this.close(message ?? 'client disconnected');
    };
    while (!this.closing) {
      if (this.congested) {
        this.congested = false;
        await this.transport.drained();
        continue;
      }
      if (this.inFlight >= MAX_NBD_REQUESTS) {
        await new Promise<void>((resolve) => (this.slotFree = resolve));
        this.slotFree = null;
        continue;
      }
      let head: Uint8Array;
      try {
        head = await this.reader.read(28);
      } catch (e) {
        if (!(e instanceof StreamEnded)) throw e;
        return disconnect(e.partial ? 'Unexpected end-of-file before all bytes were read' : null);
      }
      const v = new DataView(head.buffer, head.byteOffset, 28);
      const magic = v.getUint32(0);
      const from = v.getBigUint64(16);
      const req: NbdRequest = { flags: v.getUint16(4), type: v.getUint16(6), handle: Uint8Array.from(head.subarray(8, 16)), from: Number(from), len: v.getUint32(24), data: null };
      if (magic !== NBD_REQUEST_MAGIC) {
        sendGeneric(ctx, req.handle, 22, `invalid magic (got 0x${magic.toString(16)})`);
        return disconnect('Request handling failed in intermediate state');
      }
      if (req.type === NBD_CMD_DISC) return disconnect(null);
      const error = await this.receive(req, from);
      if (error === 'eof') return disconnect('Failed to read CMD_WRITE data: Unexpected end-of-file before all data were read');
      if (error !== null) {
        sendGeneric(ctx, req.handle, 22, error);
        // A WRITE whose payload was not read leaves the stream out of step: QEMU gives up.
        if (req.type === NBD_CMD_WRITE && req.data === null) return disconnect('Request handling failed in intermediate state');
        this.stats.requests++;
        this.stats.errors++;
        continue;
      }
      this.start(ctx, req);
    }
  }

  /** nbd_co_receive_request's checks (and the WRITE payload); the error text, 'eof', or null. */
  private async receive(req: NbdRequest, from: bigint): Promise<string | 'eof' | null> {
    const info = this.host.info;
    if ((req.type === NBD_CMD_READ || req.type === NBD_CMD_WRITE || req.type === NBD_CMD_CACHE) && req.len > NBD_MAX_BUFFER_SIZE) {
      return `len (${req.len} ) is larger than max len (${NBD_MAX_BUFFER_SIZE})`;
    }
    if (req.type === NBD_CMD_WRITE) {
      try {
        req.data = await this.reader.read(req.len);
      } catch (e) {
        if (e instanceof StreamEnded) return 'eof';
        throw e;
      }
    }
    if (info.flags & NBD_FLAG_READ_ONLY && (req.type === NBD_CMD_WRITE || req.type === NBD_CMD_WRITE_ZEROES || req.type === NBD_CMD_TRIM)) {
      return 'Export is read-only';
    }
    const size = BigInt(info.size);
    if (from > size || BigInt(req.len) > size - from) return `operation past EOF; From: ${from}, Len: ${req.len}, Size: ${size}`;
    let valid = NBD_CMD_FLAG_FUA;
    if (req.type === NBD_CMD_READ && this.structuredReply) valid |= NBD_CMD_FLAG_DF;
    else if (req.type === NBD_CMD_WRITE_ZEROES) valid |= NBD_CMD_FLAG_NO_HOLE | NBD_CMD_FLAG_FAST_ZERO;
    else if (req.type === NBD_CMD_BLOCK_STATUS) valid |= NBD_CMD_FLAG_REQ_ONE;
    if (req.flags & ~valid) return `unsupported flags for command ${cmdName(req.type)} (got 0x${req.flags.toString(16)})`;
    return null;
  }

  private start(ctx: CommandContext, req: NbdRequest): void {
    this.inFlight++;
    this.stats.inFlight = this.inFlight;
    this.stats.requests++;
    const run = () => handleCommand(ctx, req);
    void this.host
      .runAsClient(this.stats.id, run)
      .then(
        (errno) => this.finish(req, errno),
        (e: unknown) => {
          if (e instanceof DisconnectClient) {
            if (!this.closing) this.host.log(`Disconnect client, due to: ${e.message}`);
            this.close(e.message);
            this.finish(req, 5);
          } else {
            this.host.log(`Disconnect client, due to: internal error: ${e instanceof Error ? e.message : String(e)}`);
            this.close('internal error');
            this.finish(req, 5);
          }
        },
      );
  }

  private finish(req: NbdRequest, errno: number): void {
    this.inFlight--;
    const s = this.stats;
    s.inFlight = this.inFlight;
    if (errno) s.errors++;
    if (req.type === NBD_CMD_READ) {
      s.reads++;
      if (!errno) s.bytesRead += req.len;
    } else if (req.type === NBD_CMD_WRITE || req.type === NBD_CMD_WRITE_ZEROES) {
      s.writes++;
      if (!errno) s.bytesWritten += req.len;
    }
    this.host.requestDone(this, OPS[req.type] ?? cmdName(req.type), req.from, req.len, errno);
    this.slotFree?.();
    if (this.inFlight === 0 && this.idle) this.idle();
  }
}
