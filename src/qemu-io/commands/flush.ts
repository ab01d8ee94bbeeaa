import type { CmdInfo } from '../cmdinfo';
import { negErrno, type QemuIo } from '../qemu-io';

/** flush: blk_flush(); silent even when it fails (the exit status says so). */
export const flushCmd: CmdInfo = {
  name: 'flush',
  altname: 'f',
  oneline: 'flush all in-core file state to disk',
  argmin: 0,
  argmax: 0,
  flags: 0,
  async cfunc(io: QemuIo) {
    try {
      await io.poll(io.blk!.flush());
      return 0;
    } catch (e) {
      return negErrno(e);
    }
  },
};
