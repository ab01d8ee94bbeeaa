// blkstudio-io: a drop-in for QEMU 7.2's qemu-io (same output bytes and exit status).
import { utf8ToBinaryString } from '../common/binary-string';
import { NodeBlockHost } from '../host/node-block-host';
import { NodeQemuIoHost } from '../host/node-qemu-io-host';
import { qemuIoMain } from '../qemu-io/main';

// QEMU waits forever on a request parked at a breakpoint; keep the event loop alive likewise.
const keepAlive = setInterval(() => undefined, 1 << 30);

// Arguments as the bytes the shell passed (binary strings), like C's argv.
qemuIoMain(process.argv.slice(2).map(utf8ToBinaryString), new NodeQemuIoHost(), new NodeBlockHost({ syncIo: true })).then(
  (status) => {
    clearInterval(keepAlive);
    process.exitCode = status;
    process.exit(status);
  },
  (e: unknown) => {
    process.stderr.write(`qemu-io: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
