// `blkstudio img SUBCOMMAND ...`: qemu-img's create, check and compare.

import * as fs from 'node:fs';
import { imgCheck } from './check';
import { imgCompareCommand } from './compare';
import { imgCreate } from './create';
import { ImgOutput, usageError } from './output';

export async function imgMain(argv: readonly string[], o: ImgOutput): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return usageError(o, 'Not enough arguments');
  if (cmd === 'create') return imgCreate(rest, o);
  if (cmd === 'check') return imgCheck(rest, o);
  if (cmd === 'compare') return imgCompareCommand(rest, o);
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    o.out('usage: blkstudio img create|check|compare ... (the arguments of qemu-img 7.2)\n');
    return 0;
  }
  return usageError(o, `Command not found: ${cmd}`);
}

/** writeSync to a possibly non-blocking pipe: wait and retry on EAGAIN. */
function writeFully(fd: number, data: Buffer): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let done = 0; done < data.length; ) {
    try {
      done += fs.writeSync(fd, data, done, data.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** Runs a subcommand on the process's stdio and exits with its status. */
export async function runImgCli(argv: readonly string[]): Promise<never> {
  const o = new ImgOutput();
  let status: number;
  try {
    status = await imgMain(argv, o);
  } catch (e) {
    o.err(`qemu-img: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    status = 1;
  }
  // Written synchronously, so a check's megabytes of stderr reach a pipe before we exit.
  for (const c of o.finish()) writeFully(c.stream === 'stdout' ? 1 : 2, Buffer.from(c.text, 'utf8'));
  process.exit(status);
}
