import type { CmdInfo } from '../cmdinfo';
import { CMD_NOFILE_OK } from '../cmdinfo';
import type { QemuIo } from '../qemu-io';

/** abort: abort(3); buffered stdout is lost, the shell sees SIGABRT. */
export const abortCmd: CmdInfo = {
  name: 'abort',
  oneline: 'simulate a program crash using abort(3)',
  argmin: 0,
  argmax: 0,
  flags: CMD_NOFILE_OK,
  cfunc(io: QemuIo): number {
    io.out.discard();
    io.host.abort();
  },
};
