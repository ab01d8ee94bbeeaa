import { BDRV_REQUEST_MAX_BYTES } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { DISCARD_HELP } from '../help-texts';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

/** discard: blk_pdiscard(). */
export const discardCmd: CmdInfo = {
  name: 'discard',
  altname: 'd',
  args: '[-Cq] off len',
  oneline: 'discards a number of bytes at a specified offset',
  argmin: 2,
  argmax: -1,
  flags: 0,
  needsWrite: true,
  help: DISCARD_HELP,
  cfunc: discardF,
};

async function discardF(io: QemuIo, argv: string[]): Promise<number> {
  let cflag = false, qflag = false;
  const g = new Getopt(argv, 'Cq', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'C': cflag = true; break;
      case 'q': qflag = true; break;
      default: return io.usage(discardCmd);
    }
  }
  const operands = g.operands();
  if (operands.length !== 2) return io.usage(discardCmd);
  const offset = io.cvtnum(operands[0]);
  if (offset < 0) {
    io.printCvtnumErr(offset, operands[0]);
    return offset;
  }
  const bytes = io.cvtnum(operands[1]);
  if (bytes < 0) {
    io.printCvtnumErr(bytes, operands[1]);
    return bytes;
  } else if (bytes > BDRV_REQUEST_MAX_BYTES) {
    io.out.print(`length cannot exceed ${BDRV_REQUEST_MAX_BYTES}, given ${operands[1]}\n`);
    return -EINVAL;
  }
  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pdiscard(offset, bytes));
  } catch (e) {
    const ret = negErrno(e);
    io.out.print(`discard failed: ${strerror(-ret)}\n`);
    return ret;
  }
  const t2 = io.host.monotonicNs();
  if (!qflag) io.out.print(formatReport('discard', t2 - t1, offset, bytes, bytes, 1, cflag));
  return 0;
}
