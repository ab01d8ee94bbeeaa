import { cvtnumArg, lengthArg, printRequestFailed } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { DISCARD_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

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
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const bytes = lengthArg(io, operands[1]);
  if (bytes < 0) return bytes;
  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pdiscard(offset, bytes));
  } catch (e) {
    return printRequestFailed(io, 'discard', e);
  }
  const t2 = io.host.monotonicNs();
  if (!qflag) io.out.print(formatReport('discard', t2 - t1, offset, bytes, bytes, 1, cflag));
  return 0;
}
