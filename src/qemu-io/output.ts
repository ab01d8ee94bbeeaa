import { binaryStringToBytes, writeBinaryString } from '../common/binary-string';
import type { QemuIoHost } from './qemu-io-host';

/** glibc's BUFSIZ-sized stdio buffer for a pipe or file (st_blksize is 4096 there). */
const STDIO_BLOCK = 4096;

// Everything printed is a binary string (see src/common/binary-string.ts): bytes go out as given.

/**
 * qemu-io's stdout and stderr as C stdio sees them. stdout is block-buffered when it is not a
 * terminal (bytes leave in whole 4096-byte blocks, at the printf that fills a block, plus at
 * fflush and exit) and line-buffered on a terminal; stderr is unbuffered. Keeping that model makes
 * `2>&1 | cat` interleave exactly as QEMU's does, and costs one write(2) per block.
 */
export class Output {
  private buf = new Uint8Array(2 * STDIO_BLOCK);
  private len = 0;

  constructor(private readonly host: QemuIoHost) {}

  /** printf to stdout. */
  print(text: string): void {
    this.reserve(text.length * 3);
    this.len += writeBinaryString(text, this.buf, this.len);
    if (this.host.stdoutIsTty) {
      if (text.includes('\n')) this.flush();
    } else if (this.len >= STDIO_BLOCK) {
      const whole = this.len - (this.len % STDIO_BLOCK);
      this.host.writeStdout(this.buf.slice(0, whole));
      this.buf.copyWithin(0, whole, this.len);
      this.len -= whole;
    }
  }

  /** printf of raw bytes, given one char per byte (the terminal line editor's echo). */
  printBytes(text: string): void {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    this.flush();
    this.host.writeStdout(bytes);
  }

  /** fprintf(stderr, ...): written at once. */
  printErr(text: string): void {
    this.host.writeStderr(binaryStringToBytes(text));
  }

  /** error_report(): `qemu-io: ` + message + newline on stderr. */
  errorReport(message: string): void {
    this.printErr(`qemu-io: ${message}\n`);
  }

  /** warn_report(). */
  warnReport(message: string): void {
    this.printErr(`qemu-io: warning: ${message}\n`);
  }

  /** fflush(stdout). */
  flush(): void {
    if (this.len === 0) return;
    this.host.writeStdout(this.buf.slice(0, this.len));
    this.len = 0;
  }

  /** What abort() and fatal signals do to a stdio buffer: it is lost. */
  discard(): void {
    this.len = 0;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
