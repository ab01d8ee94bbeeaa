import { cvtnumArgBig, lengthArg, patternArg, printReadReport, printRequestFailed, verifyPattern } from '../args';
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
  // int64_t in QEMU; bigint keeps them exact, and their sum wraps as there (see below).
  let patternOffset = 0n;
  let patternCount = 0n;
  const g = new Getopt(argv, 'bCl:pP:qs:v', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'b': bflag = true; break;
      case 'C': cflag = true; break;
      case 'l':
        lflag = true;
        patternCount = cvtnumArgBig(io, g.optarg);
        if (patternCount < 0n) return Number(patternCount);
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
        patternOffset = cvtnumArgBig(io, g.optarg);
        if (patternOffset < 0n) return Number(patternOffset);
        break;
      case 'v': vflag = true; break;
      default: return io.usage(readCmd);
    }
  }
  const operands = g.operands();
  if (operands.length !== 2) return io.usage(readCmd);
  const exactOffset = cvtnumArgBig(io, operands[0]);
  const offset = Number(exactOffset);
  if (offset < 0) return offset;
  const count = lengthArg(io, operands[1]);
  if (count < 0) return count;
  if (!pflag && (lflag || sflag)) return io.usage(readCmd);
  if (!lflag) patternCount = BigInt(count) - patternOffset;
  // The sum is int64_t arithmetic: past INT64_MAX it wraps negative and the check passes.
  if (patternCount < 0n || BigInt.asIntN(64, patternCount + patternOffset) > BigInt(count)) {
    io.out.print('pattern verification range exceeds end of read data\n');
    return -EINVAL;
  }
  if (bflag) {
    if (exactOffset % BigInt(BDRV_SECTOR_SIZE) !== 0n) {
      io.out.print(`${exactOffset} is not a sector-aligned value for 'offset'\n`);
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

    if (pflag && patternCount + patternOffset > BigInt(count)) patternOutsideBuffer(io, patternCount);
    let ret = 0;
    if (pflag && !verifyPattern(io, buf, offset, Number(patternOffset), Number(patternCount), pattern)) ret = -EINVAL;
    if (qflag) return ret;
    printReadReport(io, t2 - t1, buf, offset, count, vflag, cflag);
    return ret;
  } finally {
    qemuIoFree(buf);
  }
}

const SIGTRAP = 5;
const SIGSEGV = 11;
/** Above this no malloc can succeed: x86-64 user space is 2^47 bytes. */
const ADDRESS_SPACE = 2n ** 47n;

/**
 * A -s/-l range that wrapped past INT64_MAX: QEMU allocates the comparison buffer with g_malloc
 * (which traps on failure) and compares far outside the read buffer (SIGSEGV). Either way the
 * process dies and its buffered stdout is lost.
 */
function patternOutsideBuffer(io: QemuIo, patternCount: bigint): void {
  io.out.discard();
  if (patternCount >= ADDRESS_SPACE) {
    io.out.errorReport(`GLib: ../../../glib/gmem.c:136: failed to allocate ${patternCount} bytes`);
    io.host.raise(SIGTRAP);
  } else {
    io.host.raise(SIGSEGV);
  }
}
