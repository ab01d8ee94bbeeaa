import { cvtnumArg, lengthArg, patternArg, printReadReport, printRequestFailed, verifyPattern } from '../args';
import { BDRV_SECTOR_SIZE, qemuIoAlloc, qemuIoFree } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { READ_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

/** read: synchronous blk_pread (or vmstate load with -b), optional pattern check and dump. */
export const readCmd: CmdInfo = {
  name: 'read',
  altname: 'r',
  args: '[-abCqv] [-P pattern [-s off] [-l len]] off len',
  oneline: 'reads a number of bytes at a specified offset',
  argmin: 2,
  argmax: -1,
  flags: 0,
  help: READ_HELP,
  cfunc: readF,
};

async function readF(io: QemuIo, argv: string[]): Promise<number> {
  let bflag = false, cflag = false, qflag = false, vflag = false;
  let pflag = false, sflag = false, lflag = false;
  let pattern = 0;
  let patternOffset = 0;
  let patternCount = 0;
  const g = new Getopt(argv, 'bCl:pP:qs:v', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'b': bflag = true; break;
      case 'C': cflag = true; break;
      case 'l':
        lflag = true;
        patternCount = cvtnumArg(io, g.optarg);
        if (patternCount < 0) return patternCount;
        break;
      case 'p': break; // ignored for backwards compatibility
      case 'P':
        pflag = true;
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
        break;
      case 'q': qflag = true; break;
      case 's':
        sflag = true;
        patternOffset = cvtnumArg(io, g.optarg);
        if (patternOffset < 0) return patternOffset;
        break;
      case 'v': vflag = true; break;
      default: return io.usage(readCmd);
    }
  }
  const operands = g.operands();
  if (operands.length !== 2) return io.usage(readCmd);
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const count = lengthArg(io, operands[1]);
  if (count < 0) return count;
  if (!pflag && (lflag || sflag)) return io.usage(readCmd);
  if (!lflag) patternCount = count - patternOffset;
  if (patternCount < 0 || patternCount + patternOffset > count) {
    io.out.print('pattern verification range exceeds end of read data\n');
    return -EINVAL;
  }
  if (bflag) {
    if (offset % BDRV_SECTOR_SIZE !== 0) {
      io.out.print(`${offset} is not a sector-aligned value for 'offset'\n`);
      return -EINVAL;
    }
    if (count % BDRV_SECTOR_SIZE !== 0) {
      io.out.print(`${count} is not a sector-aligned value for 'count'\n`);
      return -EINVAL;
    }
  }

  const blk = io.blk!;
  const buf = qemuIoAlloc(count, 0xab);
  try {
    const t1 = io.host.monotonicNs();
    try {
      await io.poll(bflag ? blk.loadVmstate(offset, count, buf) : blk.pread(offset, count, buf));
    } catch (e) {
      return printRequestFailed(io, 'read', e);
    }
    const t2 = io.host.monotonicNs();

    let ret = 0;
    if (pflag && !verifyPattern(io, buf, offset, patternOffset, patternCount, pattern)) ret = -EINVAL;
    if (qflag) return ret;
    printReadReport(io, t2 - t1, buf, offset, count, vflag, cflag);
    return ret;
  } finally {
    qemuIoFree(buf);
  }
}
