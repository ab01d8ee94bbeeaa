import type { CmdInfo } from '../cmdinfo';
import type { QemuIo } from '../qemu-io';

/** close: blk_unref() of the image (drains first). */
export const closeCmd: CmdInfo = {
  name: 'close',
  altname: 'c',
  oneline: 'close the current open file',
  argmin: 0,
  argmax: 0,
  flags: 0,
  async cfunc(io: QemuIo) {
    await io.closeFile();
    return 0;
  },
};
