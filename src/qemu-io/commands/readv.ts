import { createIovec, cvtnumArg, patternArg, printReadReport, printRequestFailed, verifyPattern } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { READV_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

/** readv: one request over several buffers (one contiguous buffer here, the data is the same). */
export const readvCmd: CmdInfo = {
  name: 'readv',
  args: '[-Cqv] [-P pattern] off len [len..]',
  oneline: 'reads a number of bytes at a specified offset',
  argmin: 2,
  argmax: -1,
  flags: 0,
  help: READV_HELP,
  cfunc: readvF,
};

async function readvF(io: QemuIo, argv: string[]): Promise<number> {
  let cflag = false, qflag = false, vflag = false, pflag = false;
  let pattern = 0;
  const g = new Getopt(argv, 'CP:qv', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'C': cflag = true; break;
      case 'P':
        pflag = true;
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
        break;
      case 'q': qflag = true; break;
      case 'v': vflag = true; break;
      default: return io.usage(readvCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(readvCmd);
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const buf = createIovec(io, operands.slice(1), 0xab);
  if (!buf) return -EINVAL;
  const size = buf.length;

  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pread(offset, size, buf));
  } catch (e) {
    return printRequestFailed(io, 'readv', e);
  }
  const t2 = io.host.monotonicNs();

  let ret = 0;
  if (pflag && !verifyPattern(io, buf, offset, 0, size, pattern)) ret = -EINVAL;
  if (qflag) return ret;
  printReadReport(io, t2 - t1, buf, offset, size, vflag, cflag);
  return ret;
}
