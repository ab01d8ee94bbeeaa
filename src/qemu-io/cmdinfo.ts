import type { QemuIo } from './qemu-io';

/** The command may run with no image open (open, sleep, sigraise, abort). */
export const CMD_NOFILE_OK = 0x01;
/** The command runs whatever the state (help, quit). */
export const CMD_FLAG_GLOBAL = 0x02;

/** One qemu-io command (QEMU's cmdinfo_t). */
export interface CmdInfo {
  name: string;
  altname?: string;
  /** Argument synopsis; absent means none is printed (`abort -- ...`), '' prints two spaces (`map  -- ...`). */
  args?: string;
  oneline: string;
  /** -1: no minimum/maximum. */
  argmin: number;
  argmax: number;
  flags: number;
  /** Needs write permission (write, discard, truncate ...): fails on a read-only node. */
  needsWrite?: boolean;
  /** Extended help printed by `help CMD` after the summary line. */
  help?: string;
  /** Returns 0 or a negative errno, like QEMU's cfunc. argv[0] is the name as typed. */
  cfunc(io: QemuIo, argv: string[]): Promise<number> | number;
}
