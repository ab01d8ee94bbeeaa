import type { CmdInfo } from '../cmdinfo';
import { strerror, type QemuIo } from '../qemu-io';

/** remove_break: drop the breakpoint and resume what it suspended. */
export const removeBreakCmd: CmdInfo = {
  name: 'remove_break',
  args: 'tag',
  oneline: 'remove a breakpoint by tag',
  argmin: 1,
  argmax: 1,
  flags: 0,
  async cfunc(io: QemuIo, argv: string[]) {
    // The resumed requests are entered one by one inside the command (newest first), each running
    // until it waits for I/O; even when it reports ENOENT (a one-shot breakpoint already gone).
    io.restartInFlight();
    const ret = await io.runResumed(() => io.blk!.debugRemoveBreakpoint(argv[1]));
    if (ret < 0) io.out.print(`Could not remove breakpoint ${argv[1]}: ${strerror(-ret)}\n`);
    return ret;
  },
};
