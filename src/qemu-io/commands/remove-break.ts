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
    const ret = io.blk!.debugRemoveBreakpoint(argv[1]);
    // Even when it reports ENOENT (a one-shot breakpoint already gone) it resumed the requests.
    io.restartInFlight();
    await io.runResumed();
    if (ret < 0) io.out.print(`Could not remove breakpoint ${argv[1]}: ${strerror(-ret)}\n`);
    return ret;
  },
};
