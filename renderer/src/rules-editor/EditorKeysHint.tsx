// The line above the rule editor saying what Tab does there and how to leave, with a toggle for
// "Tab moves focus" (the same as Ctrl+M in the editor).
import { EDITOR_KEYS_HINT_ID, editorKeysHint, isMac, useEditorKeysStore } from './editor-keys';

export function EditorKeysHint() {
  const tabMovesFocus = useEditorKeysStore((s) => s.tabMovesFocus);
  const escaped = useEditorKeysStore((s) => s.escaped);
  const setTabMovesFocus = useEditorKeysStore((s) => s.setTabMovesFocus);
  return (
    <div className="rules-keys" role="note" aria-label="Editor keys">
      <span id={EDITOR_KEYS_HINT_ID} className="rules-keys-hint" aria-live="polite">
        {editorKeysHint({ tabMovesFocus, escaped })}
      </span>
      <button
        type="button"
        className="rules-keys-toggle"
        aria-pressed={tabMovesFocus}
        title={`Toggle whether Tab in the editor moves focus (${isMac() ? 'Ctrl+Shift+M' : 'Ctrl+M'} in the editor)`}
        onClick={() => setTabMovesFocus(!tabMovesFocus)}
      >
        Tab moves focus
      </button>
    </div>
  );
}
