import type { CmdInfo } from '../cmdinfo';
import { CMD_FLAG_GLOBAL } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import type { QemuIo } from '../qemu-io';

/** help_oneline(): `name args -- oneline`, with the name as the user typed it. */
function helpOneline(io: QemuIo, name: string, ct: CmdInfo): void {
  io.out.print(`${name} ${ct.args !== undefined ? `${ct.args} ` : ''}-- ${ct.oneline}\n`);
}

/** help (?): the command list, or one command's summary and extended help. */
export const helpCmd: CmdInfo = {
  name: 'help',
  altname: '?',
  args: '[command]',
  oneline: 'help for one or all commands',
  argmin: 0,
  argmax: 1,
  flags: CMD_FLAG_GLOBAL,
  cfunc(io: QemuIo, argv: string[]) {
    if (argv.length === 1) {
      for (const ct of io.commands) helpOneline(io, ct.name, ct);
      io.out.print("\nUse 'help commandname' for extended help.\n");
      return 0;
    }
    const ct = io.findCommand(argv[1]);
    if (!ct) {
      io.out.print(`command ${argv[1]} not found\n`);
      return -EINVAL;
    }
    helpOneline(io, argv[1], ct);
    if (ct.help) io.out.print(ct.help);
    return 0;
  },
};
