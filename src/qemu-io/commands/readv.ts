import { parseIovecLengths, patternMismatch, qemuIoAlloc, sum } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL, parsePattern } from '../cvtnum';
import { dumpBuffer, formatReport } from '../format';
import { Getopt } from '../getopt';
import { READV_HELP } from '../help-texts';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

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
        pattern = parsePattern(g.optarg);
        if (pattern < 0) {
          io.out.print(`${g.optarg} is not a valid pattern byte\n`);
          return -EINVAL;
        }
        break;
      case 'q': qflag = true; break;
      case 'v': vflag = true; break;
      default: return io.usage(readvCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(readvCmd);
  const offset = io.cvtnum(operands[0]);
  if (offset < 0) {
    io.printCvtnumErr(offset, operands[0]);
    return offset;
  }
  const sizes = parseIovecLengths(io, operands.slice(1));
  if (!sizes) return -EINVAL;
  const size = sum(sizes);
  const buf = qemuIoAlloc(size, 0xab);

  const t1 = io.host.monotonicNs();
  try {
    await io.poll(io.blk!.pread(offset, size, buf));
  } catch (e) {
    const ret = negErrno(e);
    io.out.print(`readv failed: ${strerror(-ret)}\n`);
    return ret;
  }
  const t2 = io.host.monotonicNs();

  let ret = 0;
  if (pflag && patternMismatch(buf, 0, size, pattern)) {
    io.out.print(`Pattern verification failed at offset ${offset}, ${size} bytes\n`);
    ret = -EINVAL;
  }
  if (qflag) return ret;
  if (vflag) io.out.print(dumpBuffer(buf, offset, size));
  io.out.print(formatReport('read', t2 - t1, offset, size, size, 1, cflag));
  return ret;
}
