// The editor's problems and status line, as pure functions of the rules store's state.
import type { RuleDiagnostic } from '../../../src/api';

export interface Problem extends RuleDiagnostic {
  source: 'lint' | 'apply';
}

/**
 * The engine's parse of the current text plus what the last Apply reported (only while the text
 * is still the one that was applied), without duplicates, in text order.
 */
export function mergeProblems(lint: readonly RuleDiagnostic[] | null, apply: readonly RuleDiagnostic[] | null): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  const add = (list: readonly RuleDiagnostic[] | null, source: Problem['source']) => {
    for (const d of list ?? []) {
      const key = `${d.line}:${d.column}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...d, source });
    }
  };
  add(lint, 'lint');
  add(apply, 'apply');
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `3:10 invalid parameter value: wirte_aio` */
export function problemLabel(p: RuleDiagnostic): string {
  return `${p.line}:${p.column} ${p.message}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export type ApplyOutcome = { kind: 'applied' } | { kind: 'problems'; count: number } | { kind: 'error'; message: string };

/** The outcome of the last Apply as the toolbar shows it. */
export function outcomeText(o: ApplyOutcome): string {
  switch (o.kind) {
    case 'applied':
      return 'Applied';
    case 'problems':
      return plural(o.count, 'problem');
    case 'error':
      return o.message;
  }
}

/** Whether the text differs from what the session runs (null: nothing applied or loaded yet). */
export function isModified(text: string, appliedText: string | null): boolean {
  return appliedText === null ? text.trim() !== '' : text !== appliedText;
}
