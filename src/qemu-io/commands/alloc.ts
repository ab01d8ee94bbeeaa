import { cvtnumArg, cvtnumArgBig, printRequestFailed } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { cvtstr } from '../format';
import type { QemuIo } from '../qemu-io';

/** alloc: sum bdrv_is_allocated() over the range; the count shrinks to what exists before EOF. */
export const allocCmd: CmdInfo = {
  name: 'alloc',
  altname: 'a',
  args: 'offset [count]',
  oneline: 'checks if offset is allocated in the file',
  argmin: 1,
  argmax: 2,
  flags: 0,
  cfunc: allocF,
};

async function allocF(io: QemuIo, argv: string[]): Promise<number> {
  const start = cvtnumArg(io, argv[1]);
  if (start < 0) return start;
  // int64_t counts: bigint keeps `count -= remaining` exact for counts above 2^53.
  let count = 512n;
  if (argv.length === 3) {
    count = cvtnumArgBig(io, argv[2]);
    if (count < 0n) return Number(count);
  }
  let offset = start;
  let remaining = count;
  let sumAlloc = 0;
  while (remaining) {
    let status;
    try {
      status = await io.poll(io.blk!.isAllocated(offset, Number(remaining)));
    } catch (e) {
      return printRequestFailed(io, 'is_allocated', e);
    }
    const num = status.pnum;
    offset += num;
    remaining -= BigInt(num);
    if (status.allocated) sumAlloc += num;
    if (num === 0) {
      count -= remaining;
      remaining = 0n;
    }
  }
  io.out.print(`${sumAlloc}/${count} bytes allocated at offset ${cvtstr(start)}\n`);
  return 0;
}
