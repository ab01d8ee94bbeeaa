// Keeps a mounted Monaco editor and the rules store in step: typing → setText, builder edits →
// one undoable edit each, selections from other views → reveal, the user's cursor → select,
// and the engine's diagnostics → markers. Uses Monaco only through the instance it is given.
import { useRulesStore } from '../rules/rules-store';
import type { TextEdit } from '../rules/text-edits';
import { bindEditorKeys } from './editor-keys-binding';
import type { Problem } from './problems';
import { quickFixFor } from './quick-fix';
import { sectionAt } from './rule-context';
import { setQuickFixes, type CreatedEditor } from './rule-monaco';

const MARKER_OWNER = 'blkdebug';

export interface EditorBinding {
  setProblems(problems: readonly Problem[]): void;
  /** Put the cursor on a problem (from the Problems list). */
  goTo(line: number, column: number): void;
  dispose(): void;
}

export function bindEditor(created: CreatedEditor, onApply: () => void): EditorBinding {
  const { monaco, editor, model } = created;
  const store = useRulesStore;
  const unbindKeys = bindEditorKeys(created);
  // selectionSeq values caused by this editor, so its own select() does not re-reveal.
  let ownSelectionSeq = -1;

  const toRange = (e: TextEdit) => new monaco.Range(e.startLine, e.startColumn, e.endLine, e.endColumn);

  const contentSub = model.onDidChangeContent(() => store.getState().setText(model.getValue()));

  store.getState().setEditListener((edits) => {
    editor.pushUndoStop();
    editor.executeEdits(
      'builder',
      edits.map((e) => ({ range: toRange(e), text: e.text })),
    );
    editor.pushUndoStop();
  });

  // Text changed in the store by something other than this editor (should not happen while the
  // listener is set, but keep the model the single source of what is shown).
  const unsubText = store.subscribe((s, prev) => {
    if (s.text !== prev.text && s.text !== model.getValue()) {
      editor.pushUndoStop();
      editor.executeEdits('store', [{ range: model.getFullModelRange(), text: s.text }]);
      editor.pushUndoStop();
    }
  });

  const selectSection = (line: number) => {
    const section = sectionAt(model.getLinesContent(), line);
    if (!section || section.line === store.getState().selectedLine) return;
    store.getState().select(section.line);
    ownSelectionSeq = store.getState().selectionSeq;
  };

  // The selected rule's header line stays marked whoever selected it.
  const selectedMark = editor.createDecorationsCollection();
  const markSelected = () => {
    const { selectedLine } = store.getState();
    selectedMark.set(
      selectedLine === null || selectedLine > model.getLineCount()
        ? []
        : [{ range: new monaco.Range(selectedLine, 1, selectedLine, 1), options: { isWholeLine: true, className: 'rules-selected-line', linesDecorationsClassName: 'rules-selected-gutter' } }],
    );
  };
  markSelected();

  // Another view selected a rule: show it. While the user is typing here, only mark it, so a
  // selection made for them (a new rule in the builder) never swallows their next keystroke.
  const revealSelected = () => {
    const { selectedLine } = store.getState();
    if (selectedLine === null || selectedLine > model.getLineCount() || editor.hasTextFocus()) return;
    editor.revealLineInCenter(selectedLine);
    editor.setSelection(new monaco.Selection(selectedLine, 1, selectedLine, model.getLineMaxColumn(selectedLine)));
  };

  const unsubSelection = store.subscribe((s, prev) => {
    if (s.selectionSeq === prev.selectionSeq) return;
    markSelected();
    if (s.selectionSeq !== ownSelectionSeq) revealSelected();
  });

  // Only the user's own moves (mouse, keyboard, typing) select a rule, never the API's.
  const cursorSub = editor.onDidChangeCursorPosition((e) => {
    if (e.source !== 'mouse' && e.source !== 'keyboard') return;
    selectSection(e.position.lineNumber);
  });

  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, onApply);

  return {
    setProblems(problems) {
      // The engine's message is QEMU's; the editor adds its "did you mean" and offers the fix.
      const lines = model.getLinesContent();
      const fixes = problems.map((p) => quickFixFor(p, lines));
      setQuickFixes(
        model,
        fixes.filter((f) => f !== null),
      );
      monaco.editor.setModelMarkers(
        model,
        MARKER_OWNER,
        problems.map((p, i) => ({
          severity: monaco.MarkerSeverity.Error,
          message: fixes[i] ? `${p.message}; ${fixes[i].hint}` : p.message,
          source: p.source === 'apply' ? 'blkdebug (apply)' : 'blkdebug',
          startLineNumber: p.line,
          startColumn: p.column,
          endLineNumber: p.line,
          endColumn: Math.max(p.endColumn, p.column + 1),
        })),
      );
    },
    goTo(line, column) {
      editor.setPosition({ lineNumber: line, column });
      editor.revealPositionInCenterIfOutsideViewport({ lineNumber: line, column });
      editor.focus();
      selectSection(line);
    },
    dispose() {
      unbindKeys();
      cursorSub.dispose();
      contentSub.dispose();
      unsubText();
      unsubSelection();
      selectedMark.clear();
      if (store.getState().editListener) store.getState().setEditListener(null);
    },
  };
}
