import { beforeEach, describe, expect, it } from 'vitest';
import { editorKeysHint, isMac, useEditorKeysStore } from '../../../../renderer/src/rules-editor/editor-keys';

describe('editor keys', () => {
  beforeEach(() => useEditorKeysStore.setState({ tabMovesFocus: false, escaped: false }));

  it('words what Tab does now and how to leave the editor', () => {
    expect(editorKeysHint({ tabMovesFocus: false, escaped: false }, false)).toBe('Tab: indent · Esc then Tab, or Ctrl+M: move focus');
    expect(editorKeysHint({ tabMovesFocus: false, escaped: true }, false)).toBe('Tab: move focus (after Esc) · type to keep editing');
    expect(editorKeysHint({ tabMovesFocus: true, escaped: false }, false)).toBe('Tab: move focus · Ctrl+M: Tab indents again');
    expect(editorKeysHint({ tabMovesFocus: false, escaped: false }, true)).toBe('Tab: indent · Esc then Tab, or Ctrl+Shift+M: move focus');
  });

  it('knows macOS by its platform string', () => {
    expect(isMac('MacIntel')).toBe(true);
    expect(isMac('Linux x86_64')).toBe(false);
    expect(isMac('Win32')).toBe(false);
  });

  it('switching the mode clears a pending Esc', () => {
    const s = useEditorKeysStore.getState();
    s.setEscaped(true);
    expect(useEditorKeysStore.getState().escaped).toBe(true);
    s.setTabMovesFocus(true);
    expect(useEditorKeysStore.getState()).toMatchObject({ tabMovesFocus: true, escaped: false });
  });
});
