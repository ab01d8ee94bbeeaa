import type { CmdInfo } from '../cmdinfo';
import { CMD_NOFILE_OK } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { SIGRAISE_HELP } from '../help-texts';
import type { QemuIo } from '../qemu-io';

/** Linux NSIG: signals are 1..64, and QEMU only refuses numbers above NSIG. */
const NSIG = 65;

/**
 * Signals qemu-io survives: QEMU's main loop blocks or ignores SIGBUS, SIGUSR1, SIGPIPE, SIGALRM
 * and SIGIO, these default to ignore (SIGCHLD, SIGCONT, SIGURG, SIGWINCH), and glibc refuses to
 * raise its internal 32 and 33.
 */
const SURVIVED = new Set([7, 10, 13, 14, 17, 18, 23, 28, 29, 32, 33]);

/** sigraise: flush stdout and stderr, then raise(signal). */
export const sigraiseCmd: CmdInfo = {
  name: 'sigraise',
  args: 'signal',
  oneline: 'raises a signal',
  argmin: 1,
  argmax: 1,
  flags: CMD_NOFILE_OK,
  help: SIGRAISE_HELP,
  cfunc(io: QemuIo, argv: string[]) {
    const sig = io.cvtnum(argv[1]);
    if (sig < 0) {
      io.printCvtnumErr(sig, argv[1]);
      return sig;
    } else if (sig > NSIG) {
      io.out.print(`signal argument '${argv[1]}' is too large to be a valid signal\n`);
      return -EINVAL;
    }
    io.out.flush();
    // raise(0) and raise(NSIG) do nothing; ignored signals return too.
    if (sig > 0 && sig < NSIG && !SURVIVED.has(sig)) io.host.raise(sig);
    return 0;
  },
};
