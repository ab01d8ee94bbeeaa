// Every qemu-io command, sorted by name as QEMU's qemuio_add_command() keeps them (`help` lists
// them in this order).
import type { CmdInfo } from './cmdinfo';
import { abortCmd } from './commands/abort';
import { aioFlushCmd } from './commands/aio-flush';
import { aioReadCmd } from './commands/aio-read';
import { aioWriteCmd } from './commands/aio-write';
import { allocCmd } from './commands/alloc';
import { breakCmd } from './commands/break';
import { closeCmd } from './commands/close';
import { discardCmd } from './commands/discard';
import { flushCmd } from './commands/flush';
import { helpCmd } from './commands/help';
import { infoCmd } from './commands/info';
import { lengthCmd } from './commands/length';
import { mapCmd } from './commands/map';
import { openCmd } from './commands/open';
import { quitCmd } from './commands/quit';
import { readCmd } from './commands/read';
import { readvCmd } from './commands/readv';
import { removeBreakCmd } from './commands/remove-break';
import { reopenCmd } from './commands/reopen';
import { resumeCmd } from './commands/resume';
import { sigraiseCmd } from './commands/sigraise';
import { sleepCmd } from './commands/sleep';
import { truncateCmd } from './commands/truncate';
import { waitBreakCmd } from './commands/wait-break';
import { writeCmd } from './commands/write';
import { writevCmd } from './commands/writev';

export const COMMANDS: readonly CmdInfo[] = [
  abortCmd, aioFlushCmd, aioReadCmd, aioWriteCmd, allocCmd, breakCmd, closeCmd, discardCmd,
  flushCmd, helpCmd, infoCmd, lengthCmd, mapCmd, openCmd, quitCmd, readCmd, readvCmd,
  removeBreakCmd, reopenCmd, resumeCmd, sigraiseCmd, sleepCmd, truncateCmd, waitBreakCmd,
  writeCmd, writevCmd,
];
