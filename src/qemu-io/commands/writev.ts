import { BDRV_REQ_FUA } from '../../block/index';
import { parseIovecLengths, qemuIoAlloc, sum } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL, parsePattern } from '../cvtnum';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { WRITEV_HELP } from '../help-texts';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

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
        pattern = parsePattern(g.optarg);
        if (pattern < 0) {
          io.out.print(`${g.optarg} is not a valid pattern byte\n`);
          return -EINVAL;
        }
        break;
      default: return io.usage(writevCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(writevCmd);
  const offset = io.cvtnum(operands[0]);
  if (offset < 0) {
    io.printCvtnumErr(offset, operands[0]);
    return offset;
  }
  const sizes = parseIovecLengths(io, operands.slice(1));
  if (!sizes) return -EINVAL;
  const size = sum(sizes);
  const buf = qemuIoAlloc(size, pattern);

  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pwrite(offset, size, buf, flags));
  } catch (e) {
    const ret = negErrno(e);
    io.out.print(`writev failed: ${strerror(-ret)}\n`);
    return ret;
  }
  const t2 = io.host.monotonicNs();
  if (qflag) return 0;
  io.out.print(formatReport('wrote', t2 - t1, offset, size, size, 1, cflag));
  return 0;
}
