// The console transcript a session keeps: every command line run and what qemu-io printed for
// it, and the output that arrived between commands (aio completions, resumed requests), in the
// order it happened. Bounded by entries and by characters; the oldest go first.
import type { TranscriptDto, TranscriptEntry } from '../api/dto';

export interface TranscriptLimits {
  /** Default 5000. */
  maxEntries?: number;
  /** Characters of text kept, all entries together. Default 1 MiB. */
  maxChars?: number;
}

export const TRANSCRIPT_MAX_ENTRIES = 5000;
export const TRANSCRIPT_MAX_CHARS = 1024 * 1024;

export class Transcript {
  private entries: TranscriptEntry[] = [];
  /** Index of the oldest entry kept in `entries` (dropped ones are spliced off in chunks). */
  private head = 0;
  private chars = 0;
  private nextId = 1;
  private omittedCount = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;

  constructor(limits: TranscriptLimits = {}) {
    this.maxEntries = Math.max(1, limits.maxEntries ?? TRANSCRIPT_MAX_ENTRIES);
    this.maxChars = Math.max(1, limits.maxChars ?? TRANSCRIPT_MAX_CHARS);
  }

  add(kind: TranscriptEntry['kind'], text: string, at: number): void {
    if (kind !== 'input' && text === '') return;
    // One entry longer than the whole cap keeps its end (the last lines: a summary, an error).
    const kept = text.length > this.maxChars ? text.slice(text.length - this.maxChars) : text;
    this.entries.push({ id: this.nextId++, kind, text: kept, at });
    this.chars += kept.length;
    while (this.size > this.maxEntries || (this.chars > this.maxChars && this.size > 1)) this.dropOldest();
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private dropOldest(): void {
    const e = this.entries[this.head++]!;
    this.chars -= e.text.length;
    this.omittedCount++;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Everything kept, oldest first (copies: callers may send them anywhere). */
  list(batchSeq: number): TranscriptDto {
    return { entries: this.entries.slice(this.head).map((e) => ({ ...e })), omitted: this.omittedCount, batchSeq };
  }

  clear(): void {
    this.omittedCount += this.size;
    this.entries = [];
    this.head = 0;
    this.chars = 0;
  }
}
