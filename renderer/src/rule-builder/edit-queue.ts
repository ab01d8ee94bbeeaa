// The builder's changes to the rule text, applied only against a fresh parse: the engine parses
// the text asynchronously after each change, and positions from an old parse would land in the
// wrong place. A change made while the parse is stale waits in a queue until the store holds the
// parse of the current text, then runs against it; one change per parse.
import type { RuleLint } from '../../../src/api';
import { currentLint, useRulesStore, type RulesState } from '../rules/rules-store';
import { applyTextEdits, type TextEdit } from '../rules/text-edits';

/** What one change does, computed from the current text and its parse. */
export type RuleOp = (text: string, lint: RuleLint) => TextEdit[] | { edits: TextEdit[]; select?: number | null; after?: () => void };

export interface RulesStoreLike {
  getState(): Pick<RulesState, 'text' | 'lint' | 'lintedText' | 'edit' | 'select' | 'selectionSeq'>;
  subscribe(listener: () => void): () => void;
}

export interface EditQueue {
  enqueue(op: RuleOp): void;
  /** Changes waiting for a fresh parse. */
  pending(): number;
  /** The store's selectionSeq after the queue last selected (a section it moved); -1: never. */
  ownSelectionSeq(): number;
  /** Whether a selection other than the queue's own was made after selectionSeq `seq`. */
  userSelectedSince(seq: number): boolean;
}

export function createEditQueue(store: RulesStoreLike = useRulesStore): EditQueue {
  const queue: RuleOp[] = [];
  let pumping = false;
  /** The text before our last edit, while the store still shows it (the editor may apply later). */
  let waitWhile: string | null = null;
  let unsubscribe: (() => void) | null = null;
  let ownSelection = -1;
  const ownSelections = new Set<number>();

  const pump = () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const s = store.getState();
        if (waitWhile !== null && s.text === waitWhile) break;
        waitWhile = null;
        const lint = currentLint(s);
        if (!lint) break;
        const op = queue.shift()!;
        let result: ReturnType<RuleOp>;
        try {
          result = op(s.text, lint);
        } catch {
          continue; // The section it was for is gone.
        }
        const { edits, select, after } = Array.isArray(result) ? { edits: result, select: undefined, after: undefined } : result;
        if (edits.length > 0) {
          if (applyTextEdits(s.text, edits) !== s.text) waitWhile = s.text;
          s.edit(edits);
        }
        if (select !== undefined) {
          store.getState().select(select);
          ownSelection = store.getState().selectionSeq;
          ownSelections.add(ownSelection);
        }
        after?.();
      }
    } finally {
      pumping = false;
    }
    if (queue.length > 0 && !unsubscribe) unsubscribe = store.subscribe(pump);
    else if (queue.length === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };

  return {
    enqueue(op) {
      queue.push(op);
      pump();
    },
    pending: () => queue.length,
    ownSelectionSeq: () => ownSelection,
    userSelectedSince(seq) {
      for (let n = seq + 1; n <= store.getState().selectionSeq; n++) if (!ownSelections.has(n)) return true;
      return false;
    },
  };
}
