import { BDRV_REQ_FUA } from '../../block/index';
import { createIovec, cvtnumArg, patternArg, printRequestFailed } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { WRITEV_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

/** writev: one pattern-filled request made of several lengths. */
export const writevCmd: CmdInfo = {
  name: 'writev',
  args: '[-Cfq] [-P pattern] off len [len..]',
  oneline: 'writes a number of bytes at a specified offset',
  argmin: 2,
  argmax: -1,
  flags: 0,
  needsWrite: true,
  help: WRITEV_HELP,
  cfunc: writevF,
};

async function writevF(io: QemuIo, argv: string[]): Promise<number> {
  let cflag = false, qflag = false;
  let flags = 0;
  let pattern = 0xcd;
  const g = new Getopt(argv, 'CfqP:', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'C': cflag = true; break;
      case 'f': flags |= BDRV_REQ_FUA; break;
      case 'q': qflag = true; break;
      case 'P':
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
        break;
      default: return io.usage(writevCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(writevCmd);
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const buf = createIovec(io, operands.slice(1), pattern);
  if (!buf) return -EINVAL;
  const size = buf.length;

  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pwrite(offset, size, buf, flags));
  } catch (e) {
    return printRequestFailed(io, 'writev', e);
  }
  const t2 = io.host.monotonicNs();
  if (qflag) return 0;
  io.out.print(formatReport('wrote', t2 - t1, offset, size, size, 1, cflag));
  return 0;
}
