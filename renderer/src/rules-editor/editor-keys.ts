// How a keyboard user leaves the rule editor, as in VS Code: Ctrl+M toggles "Tab moves focus"
// (Monaco's tabFocusMode), and Escape then Tab moves focus once without toggling anything. The
// store is what the hint above the editor shows and toggles; bindEditorKeys keeps one mounted
// editor in step with it.
import { create } from 'zustand';
import type { CreatedEditor } from './rule-monaco';

/** The hint's id: the editor's textarea is described by it. */
export const EDITOR_KEYS_HINT_ID = 'rules-editor-keys-hint';

interface EditorKeysState {
  /** Ctrl+M (or the hint's toggle): Tab and Shift+Tab move focus instead of indenting. */
  tabMovesFocus: boolean;
  /** Escape was pressed in the editor: the next Tab (or Shift+Tab) moves focus. */
  escaped: boolean;
  setTabMovesFocus(on: boolean): void;
  setEscaped(on: boolean): void;
}

export const useEditorKeysStore = create<EditorKeysState>()((set) => ({
  tabMovesFocus: false,
  escaped: false,
  setTabMovesFocus: (tabMovesFocus) => set({ tabMovesFocus, escaped: false }),
  setEscaped: (escaped) => set({ escaped }),
}));

/** What Tab does in the editor now, in the hint's words. */
export function editorKeysHint(s: Pick<EditorKeysState, 'tabMovesFocus' | 'escaped'>): string {
  if (s.tabMovesFocus) return 'Tab: move focus · Ctrl+M: Tab indents again';
  if (s.escaped) return 'Tab: move focus (after Esc) · type to keep editing';
  return 'Tab: indent · Esc then Tab, or Ctrl+M: move focus';
}

export function bindEditorKeys({ monaco, editor }: CreatedEditor): () => void {
  const store = useEditorKeysStore;
  const apply = () => {
    const { tabMovesFocus, escaped } = store.getState();
    const on = tabMovesFocus || escaped;
    if (editor.getOption(monaco.editor.EditorOption.tabFocusMode) !== on) editor.updateOptions({ tabFocusMode: on });
  };
  apply();
  const unsub = store.subscribe(apply);

  // Ctrl+M here instead of Monaco's own action, whose mode is global to every editor and not
  // observable: this one is the hint's, per editor option.
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, () => store.getState().setTabMovesFocus(!store.getState().tabMovesFocus));

  const keySub = editor.onKeyDown((e) => {
    if (e.keyCode === monaco.KeyCode.Escape) {
      if (!store.getState().tabMovesFocus) store.getState().setEscaped(true);
      return;
    }
    // Tab (with or without Shift) leaves; modifier keys alone change nothing; anything else
    // means the user goes on editing.
    const modifier = [monaco.KeyCode.Shift, monaco.KeyCode.Ctrl, monaco.KeyCode.Alt, monaco.KeyCode.Meta].includes(e.keyCode);
    if (e.keyCode !== monaco.KeyCode.Tab && !modifier && store.getState().escaped) store.getState().setEscaped(false);
  });
  const blurSub = editor.onDidBlurEditorText(() => {
    if (store.getState().escaped) store.getState().setEscaped(false);
  });

  const textarea = editor.getDomNode()?.querySelector('textarea');
  textarea?.setAttribute('aria-describedby', EDITOR_KEYS_HINT_ID);

  return () => {
    unsub();
    keySub.dispose();
    blurSub.dispose();
    textarea?.removeAttribute('aria-describedby');
  };
}
