import type { CmdInfo } from '../cmdinfo';
import type { QemuIo } from '../qemu-io';

/** aio_flush: blk_drain_all(), so every aio completion prints here. */
export const aioFlushCmd: CmdInfo = {
  name: 'aio_flush',
  oneline: 'completes all outstanding aio requests',
  argmin: 0,
  argmax: 0,
  flags: 0,
  async cfunc(io: QemuIo) {
    await io.drainAll();
    return 0;
  },
};
