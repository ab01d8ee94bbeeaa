import type { CmdInfo } from '../cmdinfo';
import { strerror, type QemuIo } from '../qemu-io';

/** break: bdrv_debug_breakpoint() on the first node below the root that supports it. */
export const breakCmd: CmdInfo = {
  name: 'break',
  args: 'event tag',
  oneline: 'sets a breakpoint on event and tags the stopped request as tag',
  argmin: 2,
  argmax: 2,
  flags: 0,
  cfunc(io: QemuIo, argv: string[]) {
    const ret = io.blk!.debugBreakpoint(argv[1], argv[2]);
    if (ret < 0) io.out.print(`Could not set breakpoint: ${strerror(-ret)}\n`);
    return ret;
  },
};
