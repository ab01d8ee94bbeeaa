// How a keyboard user leaves the rule editor, as in VS Code: Ctrl+M toggles "Tab moves focus"
// (Monaco's tabFocusMode), and Escape then Tab moves focus once without toggling anything. The
// store is what the hint above the editor shows and toggles; editor-keys-binding.ts keeps a
// mounted editor in step with it.
import { create } from 'zustand';

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

/** macOS keeps Cmd+M for minimising the window: there the toggle is Ctrl+Shift+M, as in VS Code. */
export const isMac = (platform: string = typeof navigator === 'undefined' ? '' : navigator.platform) => /^Mac/.test(platform);

/** What Tab does in the editor now, in the hint's words. */
export function editorKeysHint(s: Pick<EditorKeysState, 'tabMovesFocus' | 'escaped'>, mac = isMac()): string {
  const toggle = mac ? 'Ctrl+Shift+M' : 'Ctrl+M';
  if (s.tabMovesFocus) return `Tab: move focus · ${toggle}: Tab indents again`;
  if (s.escaped) return 'Tab: move focus (after Esc) · type to keep editing';
  return `Tab: indent · Esc then Tab, or ${toggle}: move focus`;
}
