// Keeps a mounted Monaco editor's Tab behaviour in step with the editor-keys store: the
// tabFocusMode option, Ctrl+M, Esc then Tab, and the hint as the textarea's description.
import { EDITOR_KEYS_HINT_ID, isMac, useEditorKeysStore } from './editor-keys';
import type { CreatedEditor } from './rule-monaco';

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
  const toggleKeys = isMac() ? monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM : monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM;
  editor.addCommand(toggleKeys, () => store.getState().setTabMovesFocus(!store.getState().tabMovesFocus));

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
