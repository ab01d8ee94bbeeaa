import type { CmdInfo } from '../cmdinfo';
import type { QemuIo } from '../qemu-io';

/** How long to let I/O run between looks at the suspension state. */
const POLL_MS = 1;

/** wait_break: poll (letting I/O progress) until a request is suspended under tag; may wait forever, as QEMU does. */
export const waitBreakCmd: CmdInfo = {
  name: 'wait_break',
  args: 'tag',
  oneline: 'waits for the suspension of a request',
  argmin: 1,
  argmax: 1,
  flags: 0,
  async cfunc(io: QemuIo, argv: string[]) {
    const blk = io.blk!;
    // QEMU tests the condition before polling: an already suspended request means no main loop run.
    if (blk.debugIsSuspended(argv[1])) return 0;
    await io.poll(
      (async () => {
        while (!blk.debugIsSuspended(argv[1])) await io.host.sleep(POLL_MS);
      })(),
    );
    return 0;
  },
};
