import type { CmdInfo } from '../cmdinfo';
import { strerror, type QemuIo } from '../qemu-io';

/** resume: wake the request suspended under tag. */
export const resumeCmd: CmdInfo = {
  name: 'resume',
  args: 'tag',
  oneline: 'resumes the request tagged as tag',
  argmin: 1,
  argmax: 1,
  flags: 0,
  async cfunc(io: QemuIo, argv: string[]) {
    const ret = await io.runResumed(() => {
      const r = io.blk!.debugResume(argv[1]);
      if (r >= 0) io.restartInFlight();
      return r;
    });
    if (ret < 0) io.out.print(`Could not resume request: ${strerror(-ret)}\n`);
    return ret;
  },
};
