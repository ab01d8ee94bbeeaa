// What a qemu-img subcommand prints. qemu-img's stdout is block-buffered on a pipe and stderr is
// not, so stdout text is held until flush() (QEMU's explicit fflush) or the end; `chunks` keeps
// the order in which the bytes would reach a shared 2>&1 pipe.

export class ImgOutput {
  stdout = '';
  stderr = '';
  readonly chunks: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  private pending = '';

  out(text: string): void {
    this.stdout += text;
    this.pending += text;
  }

  /** fflush(stdout). */
  flush(): void {
    if (this.pending) this.chunks.push({ stream: 'stdout', text: this.pending });
    this.pending = '';
  }

  /** error_report: "qemu-img: " + message + newline. */
  error(message: string): void {
    this.err(`qemu-img: ${message}\n`);
  }

  /** Raw stderr text (fprintf(stderr), error hints). */
  err(text: string): void {
    if (!text) return;
    this.stderr += text;
    this.chunks.push({ stream: 'stderr', text });
  }

  /** Everything in write order, stdout's remainder last (as at exit). */
  finish(): { stream: 'stdout' | 'stderr'; text: string }[] {
    this.flush();
    return this.chunks;
  }
}

/** error_exit: the message, the --help hint, status 1. */
export function usageError(o: ImgOutput, message: string): number {
  o.error(message);
  o.err("Try 'qemu-img --help' for more information\n");
  return 1;
}
