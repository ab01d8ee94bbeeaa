import type { CmdInfo } from '../cmdinfo';
import { CMD_NOFILE_OK } from '../cmdinfo';
import { EINVAL, strtol } from '../cvtnum';
import { sleepChained } from '../long-sleep';
import type { QemuIo } from '../qemu-io';

/** sleep: run the main loop until a QEMU_CLOCK_HOST timer ms milliseconds ahead expires. */
export const sleepCmd: CmdInfo = {
  name: 'sleep',
  argmin: 1,
  argmax: 1,
  flags: CMD_NOFILE_OK,
  oneline: 'waits for the given value in milliseconds',
  async cfunc(io: QemuIo, argv: string[]) {
    const [ms, end] = strtol(argv[1]);
    if (ms < 0 || end !== argv[1].length) {
      io.out.print(`${argv[1]} is not a valid number\n`);
      return -EINVAL;
    }
    const now = io.host.realtimeNs();
    // The deadline is int64 nanoseconds: a huge value wraps negative and expires at once. Even
    // then the main loop runs once without blocking, so requests already finished report.
    const deadline = BigInt.asIntN(64, now + BigInt(ms) * 1_000_000n);
    if (deadline > now) await io.poll(sleepChained((ms) => io.host.sleep(ms), Number(deadline - now) / 1e6));
    else await io.poll(io.host.nextTurn(), false);
    return 0;
  },
};
