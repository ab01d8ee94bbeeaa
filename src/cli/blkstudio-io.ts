// blkstudio-io: a drop-in for QEMU 7.2's qemu-io (same output bytes and exit status).
import { utf8ToBinaryString } from '../common/binary-string';
import { NodeBlockHost } from '../host/node-block-host';
import { NodeQemuIoHost } from '../host/node-qemu-io-host';
import { qemuIoMain } from '../qemu-io/main';
import type { QemuIo } from '../qemu-io/qemu-io';

// QEMU waits forever on a request parked at a breakpoint (a synchronous command that hits
// one, or requests still parked at exit); keep the event loop alive likewise.
const keepAlive = setInterval(() => undefined, 1 << 30);

// The way out of such a wait is Ctrl-C, as with QEMU (status 130). Unlike QEMU we say which
// requests were parked, so the hang is not a mystery.
let interpreter: QemuIo | null = null;
process.once('SIGINT', () => {
  const parked = interpreter?.blk?.debugSuspended() ?? [];
  if (parked.length > 0) {
    const list = parked.map((r) => `'${r.tag}' (${r.event})`).join(', ');
    process.stderr.write(`blkstudio-io: interrupted while requests were suspended at breakpoints: ${list}\n`);
  }
  process.kill(process.pid, 'SIGINT');
});

// Arguments as the bytes the shell passed (binary strings), like C's argv.
qemuIoMain(process.argv.slice(2).map(utf8ToBinaryString), new NodeQemuIoHost(), new NodeBlockHost({ syncIo: true }), (io) => (interpreter = io)).then(
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
