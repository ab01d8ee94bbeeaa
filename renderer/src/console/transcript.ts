// The session's console transcript as the console's lines: a command as the prompt showed it,
// output as printed. Pure.
import type { TranscriptDto } from '../../../src/api';
import type { LineKind } from '../session-store';

export const PROMPT = 'qemu-io> ';

export function transcriptLines(t: TranscriptDto): Array<{ kind: LineKind; text: string }> {
  return t.entries.map((e) => (e.kind === 'input' ? { kind: 'input', text: PROMPT + e.text } : { kind: e.kind, text: e.text }));
}
