// Text edits in Monaco's coordinates (1-based lines and columns, end exclusive), applied to a
// plain string: how the rule builder changes the rule text without touching anything else.

export interface TextEdit {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/** Offsets of each line's first character. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Offset of (line, column), clamped into the text as Monaco clamps positions. */
export function offsetAt(text: string, starts: number[], line: number, column: number): number {
  if (line < 1) return 0;
  if (line > starts.length) return text.length;
  const start = starts[line - 1]!;
  const next = line < starts.length ? starts[line]! - 1 : text.length;
  return Math.min(start + Math.max(0, column - 1), next);
}

/** Apply non-overlapping edits (in any order) to text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e) => ({ from: offsetAt(text, starts, e.startLine, e.startColumn), to: offsetAt(text, starts, e.endLine, e.endColumn), text: e.text }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = text;
  for (const s of spans) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  return out;
}
