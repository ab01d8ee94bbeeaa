// The rule text shared by the editor (Monaco), the builder and the state machine view: the text
// being edited, the engine's last parse of it, what was last applied, and the selected rule.
// The editor owns typing; the builder changes the text only through edit(), which the editor
// replays into Monaco as one undoable step.
import { create } from 'zustand';
import type { RuleDiagnostic, RuleLint } from '../../../src/api';
import { applyTextEdits, type TextEdit } from './text-edits';

export type EditListener = (edits: readonly TextEdit[]) => void;

export interface RulesState {
  text: string;
  /** The engine's parse (lintRules) of `lintedText`; stale while it differs from `text`. */
  lint: RuleLint | null;
  lintedText: string | null;
  /** The text of the last successful apply (or loaded from the session); null: none yet. */
  appliedText: string | null;
  /** Problems the last Apply reported (QEMU's messages), or a failure of the call itself. */
  applyDiagnostics: RuleDiagnostic[];
  applyError: string | null;
  /** Header line (in `text`) of the selected section; null: none. */
  selectedLine: number | null;
  /** Bumps on every select(), so views can tell a fresh selection from an old one. */
  selectionSeq: number;
  editListener: EditListener | null;
  /**
   * The unapplied text as the session keeps it (for a reload or another window): 'saving' until
   * the session has it, 'kept' once it has, 'none' when there is nothing unapplied.
   */
  draft: 'none' | 'saving' | 'kept';
  /** The text came back from the session's draft when this window connected. */
  draftRestored: boolean;

  /** From the editor: the model's full text after the user typed. */
  setText(text: string): void;
  /** Replace everything (load a file, the session's rules); the editor makes it one undo step. */
  replaceText(text: string): void;
  /** From the builder: edits to apply to the text (and to Monaco's model, undoably). */
  edit(edits: readonly TextEdit[]): void;
  setLint(text: string, lint: RuleLint): void;
  setApplied(text: string | null, diagnostics: RuleDiagnostic[], error?: string | null): void;
  select(line: number | null): void;
  setEditListener(listener: EditListener | null): void;
  setDraft(draft: RulesState['draft'], restored?: boolean): void;
}

export const useRulesStore = create<RulesState>()((set, get) => ({
  text: '',
  lint: null,
  lintedText: null,
  appliedText: null,
  applyDiagnostics: [],
  applyError: null,
  selectedLine: null,
  selectionSeq: 0,
  editListener: null,
  draft: 'none',
  draftRestored: false,

  setText: (text) => {
    if (text !== get().text) set({ text });
  },
  replaceText: (text) => {
    const { text: old } = get();
    if (text === old) return;
    const lines = old.split('\n');
    get().edit([{ startLine: 1, startColumn: 1, endLine: lines.length, endColumn: lines[lines.length - 1]!.length + 1, text }]);
  },
  edit: (edits) => {
    if (edits.length === 0) return;
    const listener = get().editListener;
    // With the editor mounted, its model applies the edits and reports the text back (setText).
    if (listener) listener(edits);
    else set({ text: applyTextEdits(get().text, edits) });
  },
  setLint: (lintedText, lint) => set({ lint, lintedText }),
  setApplied: (appliedText, applyDiagnostics, applyError = null) =>
    set((s) => ({ appliedText: appliedText ?? s.appliedText, applyDiagnostics, applyError })),
  select: (selectedLine) => set((s) => ({ selectedLine, selectionSeq: s.selectionSeq + 1 })),
  setEditListener: (editListener) => set({ editListener }),
  setDraft: (draft, restored) => set((s) => ({ draft, draftRestored: restored ?? (draft === 'kept' ? s.draftRestored : false) })),
}));

/** The parse of the current text, or null while it is being parsed. */
export function currentLint(s: Pick<RulesState, 'text' | 'lint' | 'lintedText'>): RuleLint | null {
  return s.lint && s.lintedText === s.text ? s.lint : null;
}
