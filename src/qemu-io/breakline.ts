/** qemu-io's breakline(): split on single spaces, skipping empty words; no quoting, tabs are kept. */
export function breakline(input: string): string[] {
  return input.split(' ').filter((word) => word !== '');
}

export interface WordInBuffer {
  word: string;
  /** The bytes after the word's NUL: the rest of the line, every space made a NUL by breakline(). */
  after: string;
}

/** Each word of breakline(input) with what follows it in memory (qemu_strtosz can read past a NUL). */
export function breaklineBuffer(input: string): WordInBuffer[] {
  const words: WordInBuffer[] = [];
  let start = 0;
  for (;;) {
    const space = input.indexOf(' ', start);
    const stop = space < 0 ? input.length : space;
    if (stop > start) words.push({ word: input.slice(start, stop), after: input.slice(stop + 1).replaceAll(' ', '\0') });
    if (space < 0) return words;
    start = space + 1;
  }
}
