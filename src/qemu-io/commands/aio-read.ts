import { parseIovecLengths, patternMismatch, qemuIoAlloc, sum } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL, parsePattern } from '../cvtnum';
import { dumpBuffer, formatReport } from '../format';
import { Getopt } from '../getopt';
import { AIO_READ_HELP } from '../help-texts';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

/** aio_read: submit and return; aio_read_done prints when the main loop next runs. */
export const aioReadCmd: CmdInfo = {
  name: 'aio_read',
  args: '[-Ciqv] [-P pattern] off len [len..]',
  oneline: 'asynchronously reads a number of bytes',
  argmin: 2,
  argmax: -1,
  flags: 0,
  help: AIO_READ_HELP,
  cfunc: aioReadF,
};

async function aioReadF(io: QemuIo, argv: string[]): Promise<number> {
  let cflag = false, qflag = false, vflag = false, pflag = false;
  let pattern = 0;
  const g = new Getopt(argv, 'CP:iqv', (t) => io.out.printErr(t));
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
      case 'i':
        // Only bumps the invalid-request statistics in QEMU.
        io.out.print('injecting invalid read request\n');
        return 0;
      case 'q': qflag = true; break;
      case 'v': vflag = true; break;
      default: return io.usage(aioReadCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(aioReadCmd);
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
  await io.startAio(io.blk!.pread(offset, size, buf), (result) => {
    const t2 = io.host.monotonicNs();
    if (!result.ok) {
      io.out.print(`readv failed: ${strerror(-negErrno(result.error))}\n`);
      return;
    }
    if (pflag && patternMismatch(buf, 0, size, pattern)) {
      io.out.print(`Pattern verification failed at offset ${offset}, ${size} bytes\n`);
    }
    if (qflag) return;
    if (vflag) io.out.print(dumpBuffer(buf, offset, size));
    io.out.print(formatReport('read', t2 - t1, offset, size, size, 1, cflag));
  });
  return 0;
}
