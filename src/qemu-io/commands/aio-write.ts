import { BDRV_REQ_FUA, BDRV_REQ_MAY_UNMAP } from '../../block/index';
import { createIovec, cvtnumArg, patternArg, printRequestFailed } from '../args';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { AIO_WRITE_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

/** aio_write: submit and return; aio_write_done prints when the main loop next runs. */
export const aioWriteCmd: CmdInfo = {
  name: 'aio_write',
  args: '[-Cfiquz] [-P pattern] off len [len..]',
  oneline: 'asynchronously writes a number of bytes',
  argmin: 2,
  argmax: -1,
  flags: 0,
  needsWrite: true,
  help: AIO_WRITE_HELP,
  cfunc: aioWriteF,
};

async function aioWriteF(io: QemuIo, argv: string[]): Promise<number> {
  let cflag = false, qflag = false, zflag = false;
  let flags = 0;
  let pattern = 0xcd;
  const g = new Getopt(argv, 'CfiqP:uz', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'C': cflag = true; break;
      case 'f': flags |= BDRV_REQ_FUA; break;
      case 'q': qflag = true; break;
      case 'u': flags |= BDRV_REQ_MAY_UNMAP; break;
      case 'P':
        // QEMU 7.2 never records that -P was given, so `-z -P` is not rejected.
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
        break;
      case 'i':
        io.out.print('injecting invalid write request\n');
        return 0;
      case 'z': zflag = true; break;
      default: return io.usage(aioWriteCmd);
    }
  }
  const operands = g.operands();
  if (operands.length < 2) return io.usage(aioWriteCmd);
  if (zflag && operands.length !== 2) {
    io.out.print('-z supports only a single length parameter\n');
    return -EINVAL;
  }
  if (flags & BDRV_REQ_MAY_UNMAP && !zflag) {
    io.out.print('-u requires -z to be specified\n');
    return -EINVAL;
  }
  const offset = cvtnumArg(io, operands[0]);
  if (offset < 0) return offset;
  const blk = io.blk!;
  const report = (t1: bigint, size: number) => (result: { ok: boolean; error?: unknown }) => {
    const t2 = io.host.monotonicNs();
    if (!result.ok) {
      printRequestFailed(io, 'aio_write', result.error);
      return;
    }
    if (qflag) return;
    io.out.print(formatReport('wrote', t2 - t1, offset, size, size, 1, cflag));
  };

  if (zflag) {
    const count = cvtnumArg(io, operands[1]);
    if (count < 0) return count;
    // QEMU 7.2 never sets the start time for -z: the report measures from clock zero.
    await io.startAio(blk.pwriteZeroes(offset, count, flags), report(0n, count));
    return 0;
  }
  const buf = createIovec(io, operands.slice(1), pattern);
  if (!buf) return -EINVAL;
  await io.startAio(blk.pwrite(offset, buf.length, buf, flags), report(io.host.monotonicNs(), buf.length));
  return 0;
}
