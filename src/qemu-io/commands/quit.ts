import type { CmdInfo } from '../cmdinfo';
import { CMD_FLAG_GLOBAL } from '../cmdinfo';
import type { QemuIo } from '../qemu-io';

/** quit (q): stop reading commands; any arguments are ignored. */
export const quitCmd: CmdInfo = {
  name: 'quit',
  altname: 'q',
  oneline: 'exit the program',
  argmin: -1,
  argmax: -1,
  flags: CMD_FLAG_GLOBAL,
  cfunc(io: QemuIo) {
    io.quit = true;
    return 0;
  },
};
