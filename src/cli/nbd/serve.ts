// The one file that touches the NBD engine (src/nbd) and its socket host (src/host/nbd-listen.ts).

import type { BlockBackend } from '../../block/block-backend';
import { listenNbd, type NbdListener, type NbdListenOptions } from '../../host/nbd-listen';
import { NbdServer } from '../../nbd/index';
import type { NbdCliConfig } from './args';
import type { NbdTlsCredsObject } from './objects';

export interface RunningNbd {
  server: NbdServer;
  listener: NbdListener;
}

/** Listen options plus the parsed --tls-creds object, for the TLS side of nbd-listen. */
export type NbdCliListenOptions = NbdListenOptions & { tlsCreds?: NbdTlsCredsObject };

export async function startNbd(cfg: NbdCliConfig, blk: BlockBackend, port: number): Promise<RunningNbd> {
  if (cfg.tlsCreds) {
    // The credentials parse as qemu-nbd's do, but the TLS upgrade is not in the listener yet:
    // refuse rather than serve an export no client can reach.
    process.stderr.write('qemu-nbd: not supported by blkstudio nbd: --tls-creds (STARTTLS is not wired into the listener yet)\n');
    await blk.close();
    process.exit(1);
  }
  const server = new NbdServer({
    export: {
      name: cfg.exportName,
      description: cfg.description,
      blk,
      readOnly: cfg.open.readOnly ?? false,
      allocationDepth: cfg.allocationDepth,
      maxConnections: cfg.shared,
    },
    tls: cfg.tlsCreds ? 'required' : 'off',
    // What qemu-nbd reports on stderr: a client dropped, and why.
    log: (message) => process.stderr.write(`qemu-nbd: ${message}\n`),
  });
  const opts: NbdCliListenOptions = cfg.socket !== undefined ? { unix: cfg.socket } : { tcp: { host: cfg.bind, port } };
  opts.shared = cfg.shared; // 0: no limit
  if (cfg.tlsCreds) opts.tlsCreds = cfg.tlsCreds;
  const listener = await listenNbd(server, opts);
  return { server, listener };
}
