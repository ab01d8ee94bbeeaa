import { BDRV_REQ_FUA, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK, readHostPrefix } from '../../block/index';
import { cvtnumArgBig, lengthArg, patternArg, printRequestFailed } from '../args';
import { BDRV_SECTOR_SIZE, qemuIoAlloc, qemuIoFree } from '../buffers';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { formatReport } from '../format';
import { Getopt } from '../getopt';
import { WRITE_HELP } from '../help-texts';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

/** write: pattern (default 0xcd) or file-filled buffer; -z zeroes, -c compressed, -b vmstate. */
export const writeCmd: CmdInfo = {
  name: 'write',
  altname: 'w',
  args: '[-bcCfnquz] [-P pattern | -s source_file] off len',
  oneline: 'writes a number of bytes at a specified offset',
  argmin: 2,
  argmax: -1,
  flags: 0,
  needsWrite: true,
  help: WRITE_HELP,
  cfunc: writeF,
};

async function writeF(io: QemuIo, argv: string[]): Promise<number> {
  let bflag = false, cflag = false, qflag = false, pflag = false, sflag = false, zflag = false;
  let cmdCflag = false;
  let flags = 0;
  let pattern = 0xcd;
  let fileName = '';
  const g = new Getopt(argv, 'bcCfnpP:qs:uz', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'b': bflag = true; break;
      case 'c': cflag = true; break;
      case 'C': cmdCflag = true; break;
      case 'f': flags |= BDRV_REQ_FUA; break;
      case 'n': flags |= BDRV_REQ_NO_FALLBACK; break;
      case 'p': break; // ignored for backwards compatibility
      case 'P':
        pflag = true;
        pattern = patternArg(io, g.optarg);
        if (pattern < 0) return pattern;
        break;
      case 'q': qflag = true; break;
      case 's': sflag = true; fileName = g.optarg; break;
      case 'u': flags |= BDRV_REQ_MAY_UNMAP; break;
      case 'z': zflag = true; break;
      default: return io.usage(writeCmd);
    }
  }
  const operands = g.operands();
  if (operands.length !== 2) return io.usage(writeCmd);
  const fail = (text: string): number => {
    io.out.print(text);
    return -EINVAL;
  };
  if (bflag && zflag) return fail('-b and -z cannot be specified at the same time\n');
  if (flags & BDRV_REQ_FUA && (bflag || cflag)) return fail('-f and -b or -c cannot be specified at the same time\n');
  if (flags & BDRV_REQ_NO_FALLBACK && !zflag) return fail('-n requires -z to be specified\n');
  if (flags & BDRV_REQ_MAY_UNMAP && !zflag) return fail('-u requires -z to be specified\n');
  if (Number(zflag) + Number(pflag) + Number(sflag) > 1) {
    return fail('Only one of -z, -P, and -s can be specified at the same time\n');
  }
  const exactOffset = cvtnumArgBig(io, operands[0]);
  const offset = Number(exactOffset);
  if (offset < 0) return offset;
  const count = lengthArg(io, operands[1], { noFallback: (flags & BDRV_REQ_NO_FALLBACK) !== 0 });
  if (count < 0) return count;
  if (bflag || cflag) {
    if (exactOffset % BigInt(BDRV_SECTOR_SIZE) !== 0n) return fail(`${exactOffset} is not a sector-aligned value for 'offset'\n`);
    if (count % BDRV_SECTOR_SIZE !== 0) return fail(`${count} is not a sector-aligned value for 'count'\n`);
  }

  let buf: Uint8Array | null = null;
  if (!zflag) {
    buf = sflag ? await allocFromFile(io, count, fileName) : qemuIoAlloc(count, pattern);
    if (!buf) return -EINVAL;
  }
  try {
    const blk = io.blk!;
    const t1 = io.host.monotonicNs();
    try {
      if (bflag) {
        await io.poll(blk.saveVmstate(offset, count, buf!));
      } else if (zflag) {
        await io.poll(blk.pwriteZeroes(offset, count, flags));
      } else if (cflag) {
        await io.poll(blk.pwriteCompressed(offset, count, buf!));
      } else {
        await io.poll(blk.pwrite(offset, count, buf!, flags));
      }
    } catch (e) {
      return printRequestFailed(io, 'write', e);
    }
    const t2 = io.host.monotonicNs();
    if (qflag) return 0;
    io.out.print(formatReport('wrote', t2 - t1, offset, count, count, 1, cmdCflag));
    return 0;
  } finally {
    qemuIoFree(buf);
  }
}

/** qemu_io_alloc_from_file(): the file's first bytes (fread of len, no more) repeated over the buffer. */
async function allocFromFile(io: QemuIo, len: number, fileName: string): Promise<Uint8Array | null> {
  let data: Uint8Array;
  try {
    data = await readHostPrefix(io.blockHost, fileName, len);
  } catch (e) {
    io.out.printErr(`${fileName}: ${strerror(-negErrno(e))}\n`);
    return null;
  }
  const patternLen = data.length;
  if (patternLen === 0) {
    io.out.printErr(`${fileName}: file is empty\n`);
    return null;
  }
  const buf = new Uint8Array(len);
  buf.set(data);
  for (let filled = patternLen; filled < len; ) {
    const n = Math.min(filled - (filled % patternLen), len - filled);
    buf.copyWithin(filled, 0, n);
    filled += n;
  }
  return buf;
}
