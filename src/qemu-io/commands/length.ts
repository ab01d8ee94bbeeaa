import type { CmdInfo } from '../cmdinfo';
import { cvtstr } from '../format';
import { negErrno, strerror, type QemuIo } from '../qemu-io';

/** length: blk_getlength() through cvtstr. */
export const lengthCmd: CmdInfo = {
  name: 'length',
  altname: 'l',
  oneline: 'gets the length of the current file',
  argmin: 0,
  argmax: 0,
  flags: 0,
  async cfunc(io: QemuIo) {
    let size: number;
    try {
      size = await io.blk!.getLength();
    } catch (e) {
      const ret = negErrno(e);
      io.out.print(`getlength: ${strerror(-ret)}\n`);
      return ret;
    }
    io.out.print(`${cvtstr(size)}\n`);
    return 0;
  },
};
