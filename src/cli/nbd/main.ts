// `blkstudio nbd ARGS`: qemu-nbd 7.2's main(): options, address, image, serve; the lifetime rules
// (exit when the last client leaves unless -t), --fork and --pid-file, SIGTERM/SIGINT.

import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import * as fs from 'node:fs';
import { openBlockBackend, QemuError } from '../../block/index';
import type { BlockBackend } from '../../block/block-backend';
import { NodeBlockHost } from '../../host/node-block-host';
import { NbdExit, parseNbdArgs, unsupported, type NbdCliConfig } from './args';

/** Set in the environment of the server process --fork starts; its fd 3 is the ready pipe. */
export const FORKED_ENV = 'BLKSTUDIO_NBD_FORKED';
const PROG = 'qemu-nbd';

/** writeSync to a possibly non-blocking pipe (retry on EAGAIN); a closed pipe is ignored. */
function writeFully(fd: number, text: string): void {
  const data = Buffer.from(text, 'latin1');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let done = 0; done < data.length; ) {
    try {
      done += fs.writeSync(fd, data, done, data.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'EBADF') return;
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

const err = (text: string): void => writeFully(2, text);

/** qemu-nbd's messages for a TCP address it cannot resolve. */
async function resolvePort(cfg: NbdCliConfig): Promise<number> {
  const where = `${cfg.bind}:${cfg.port}`;
  if (!/^\d+$/.test(cfg.port)) throw new NbdExit(1, `${PROG}: address resolution failed for ${where}: Servname not supported for ai_socktype\n`);
  try {
    await lookup(cfg.bind);
  } catch {
    throw new NbdExit(1, `${PROG}: address resolution failed for ${where}: Name or service not known\n`);
  }
  return Number(cfg.port) % 65536;
}

/** --fork: run the server as a detached child; exit once it listens (0) or with its failure. */
function forkServer(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, [FORKED_ENV]: '1' },
    });
    child.stderr!.on('data', (d: Buffer) => err(d.toString('latin1')));
    const ready = child.stdio[3] as NodeJS.ReadableStream;
    ready.once('data', () => {
      child.stderr!.destroy();
      (ready as unknown as { destroy(): void }).destroy();
      child.unref();
      resolve(0);
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function openImage(cfg: NbdCliConfig): Promise<BlockBackend> {
  try {
    // The block layer names qemu-io in the messages it prints at close; here the program is qemu-nbd.
    return await openBlockBackend(new NodeBlockHost(), cfg.open, { warn: (t: string) => err(t.replace(/^qemu-io: /gm, 'qemu-nbd: ')) });
  } catch (e) {
    if (e instanceof QemuError || e instanceof Error) {
      throw new NbdExit(1, `${PROG}: Failed to blk_new_open '${cfg.file}': ${e.message}\n`);
    }
    throw e;
  }
}

/** Runs qemu-nbd's main; resolves with the status to exit with (after the server stopped). */
export async function nbdMain(args: readonly string[]): Promise<number> {
  const forked = process.env[FORKED_ENV] === '1';
  let blk: BlockBackend | undefined;
  try {
    const cfg = parseNbdArgs(args);
    if (cfg.fork && !forked) return await forkServer();
    const port = cfg.socket === undefined ? await resolvePort(cfg) : 0;
    blk = await openImage(cfg);
    if (cfg.offset !== 0n) {
      const size = BigInt(await blk.getLength());
      if (cfg.offset >= 1n << 63n) {
        throw new NbdExit(1, `${PROG}: Parameter 'offset' expects a non-negative number below 2^64\nOptional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.\n`);
      }
      if (cfg.offset > size) throw new NbdExit(1, `${PROG}: Offset (${cfg.offset}) cannot be greater than size of the containing file (${size})\n`);
      throw unsupported('-o/--offset', 'a non-zero offset needs an offset filter the export does not have');
    }
    if (cfg.pidFile !== undefined) {
      try {
        fs.writeFileSync(cfg.pidFile, `${process.pid}\n`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e as Error).message;
        throw new NbdExit(1, `${PROG}: Could not create '${cfg.pidFile}': ${why}\n`);
      }
    }
    const { startNbd } = await import('./serve');
    let running;
    try {
      running = await startNbd(cfg, blk, port);
    } catch (e) {
      throw new NbdExit(1, `${PROG}: Failed to listen: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    const { server, listener } = running;
    const openBlk = blk;
    blk = undefined;
    if (forked) {
      writeFully(3, '1');
      fs.closeSync(3);
    }
    return await new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void (async () => {
          await listener.close();
          await server.close();
          await openBlk.close().catch(() => undefined);
          if (cfg.socket !== undefined) fs.rmSync(cfg.socket, { force: true });
          if (cfg.pidFile !== undefined) fs.rmSync(cfg.pidFile, { force: true });
          resolve(0);
        })();
      };
      listener.onClosed((now: number) => {
        if (!cfg.persistent && now === 0) stop();
      });
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      process.once('SIGHUP', stop);
    });
  } catch (e) {
    if (blk) await blk.close().catch(() => undefined);
    if (e instanceof NbdExit) {
      if (e.stdout) writeFully(1, e.stdout);
      if (e.stderr) err(e.stderr);
      return e.status;
    }
    err(`${PROG}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

export async function runNbdCli(args: readonly string[]): Promise<never> {
  const status = await nbdMain(args);
  process.exit(status);
}
