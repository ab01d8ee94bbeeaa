import type { BlockBackendApi } from '../../block/index';
import type { CmdInfo } from '../cmdinfo';
import { cvtstr } from '../format';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

const EIO = 5;

/** map: runs of equal allocation status over the whole image. */
export const mapCmd: CmdInfo = {
  name: 'map',
  args: '',
  oneline: 'prints the allocated areas of a file',
  argmin: 0,
  argmax: 0,
  flags: 0,
  cfunc: mapF,
};

/**
 * map_is_allocated(): extend the first run while the status stays the same. Like QEMU 7.2's
 * qemu-io it asks the top node only (bdrv_is_allocated), not the backing chain.
 */
async function mapIsAllocated(blk: BlockBackendApi, offset: number, bytes: number): Promise<[boolean, number]> {
  let status = await blk.isAllocated(offset, bytes);
  const first = status.allocated;
  let num = status.pnum;
  let pnum = num;
  while (bytes > 0) {
    offset += num;
    bytes -= num;
    if (bytes === 0) break;
    try {
      status = await blk.isAllocated(offset, bytes);
    } catch {
      break; // a failure past the first run just ends the run
    }
    num = status.pnum;
    if (status.allocated === first && num) pnum += num;
    else break;
  }
  return [first, pnum];
}

async function mapF(io: QemuIo): Promise<number> {
  const blk = io.blk!;
  let bytes: number;
  try {
    bytes = await blk.getLength();
  } catch (e) {
    const ret = negErrno(e);
    io.out.errorReport(`Failed to query image length: ${strerror(-ret)}`);
    return ret;
  }
  let offset = 0;
  while (bytes) {
    let allocated: boolean;
    let num: number;
    try {
      [allocated, num] = await io.poll(mapIsAllocated(blk, offset, bytes));
    } catch (e) {
      const ret = negErrno(e);
      io.out.errorReport(`Failed to get allocation status: ${strerror(-ret)}`);
      return ret;
    }
    if (!num) {
      io.out.errorReport('Unexpected end of image');
      return -EIO;
    }
    const what = allocated ? '    allocated' : 'not allocated';
    io.out.print(`${cvtstr(num)} (0x${num.toString(16)}) bytes ${what} at offset ${cvtstr(offset)} (0x${offset.toString(16)})\n`);
    offset += num;
    bytes -= num;
  }
  return 0;
}
