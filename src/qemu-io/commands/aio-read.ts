import { createIovec, cvtnumArg, patternArg, printReadReport, printRequestFailed, verifyPattern } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { AIO_READ_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

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
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
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
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const buf = createIovec(io, operands.slice(1), 0xab);
  if (!buf) return -EINVAL;
  const size = buf.length;

  const t1 = io.host.monotonicNs();
  await io.startAio(io.blk!.pread(offset, size, buf), (result) => {
    const t2 = io.host.monotonicNs();
    if (!result.ok) {
      printRequestFailed(io, 'readv', result.error);
      return;
    }
    if (pflag) verifyPattern(io, buf, offset, 0, size, pattern);
    if (qflag) return;
    printReadReport(io, t2 - t1, buf, offset, size, vflag, cflag);
  });
  return 0;
}
