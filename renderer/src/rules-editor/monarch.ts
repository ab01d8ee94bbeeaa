// Monarch tokens and editing rules for blkdebug rule files (QEMU's ini dialect). Plain data in
// Monaco's shapes, so it can be tested without loading Monaco.

export const BLKDEBUG_LANGUAGE_ID = 'blkdebug';

export const blkdebugMonarch = {
  defaultToken: 'invalid',
  tokenPostfix: '.blkdebug',
  tokenizer: {
    root: [
      [/^\s*#.*$/, 'comment'],
      [/^(\s*)(\[)([^\]]*)(\])/, ['white', 'delimiter.bracket', 'type.section', 'delimiter.bracket']],
      [/^(\s*)([A-Za-z0-9_-]+)(\s*)(=)/, ['white', 'key', 'white', 'operators']],
      [/"/, 'string.quote', '@string'],
      [/-?\d+/, 'number'],
      [/\s+/, 'white'],
    ],
    string: [
      [/(0[xX][0-9a-fA-F]+|-?\d+)(?=")/, 'number'],
      [/[^"]+/, 'string'],
      [/"/, 'string.quote', '@pop'],
    ],
  },
};

export const blkdebugLanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [['[', ']']] as [string, string][],
  autoClosingPairs: [
    { open: '[', close: ']' },
    { open: '"', close: '"' },
  ],
  surroundingPairs: [
    { open: '[', close: ']' },
    { open: '"', close: '"' },
  ],
  wordPattern: /[A-Za-z0-9_-]+/,
};

/** Colours of the app's dark theme (styles.css) for the editor. */
export const BLKSTUDIO_THEME = {
  base: 'vs-dark' as const,
  inherit: true,
  rules: [
    { token: 'comment', foreground: '6a7383', fontStyle: 'italic' },
    { token: 'type.section', foreground: '5aa9ff', fontStyle: 'bold' },
    { token: 'delimiter.bracket', foreground: '8d95a3' },
    { token: 'key', foreground: 'c5a5ff' },
    { token: 'operators', foreground: '8d95a3' },
    { token: 'string', foreground: 'a5d6a7' },
    { token: 'string.quote', foreground: '7fa884' },
    { token: 'number', foreground: 'f0b86e' },
    { token: 'invalid', foreground: 'ff7b72' },
  ],
  colors: {
    'editor.background': '#14161a',
    'editor.foreground': '#e3e6eb',
    'editorLineNumber.foreground': '#4b5260',
    'editorLineNumber.activeForeground': '#8d95a3',
    'editor.lineHighlightBackground': '#1c1f25',
    'editor.selectionBackground': '#264f78',
    'editorGutter.background': '#14161a',
    'editorWidget.background': '#1c1f25',
    'editorWidget.border': '#2c313a',
    'editorSuggestWidget.background': '#1c1f25',
    'editorSuggestWidget.border': '#2c313a',
    'editorSuggestWidget.selectedBackground': '#11263d',
    'editorHoverWidget.background': '#1c1f25',
    'editorHoverWidget.border': '#2c313a',
    'editorError.foreground': '#ff7b72',
    'focusBorder': '#5aa9ff',
  },
};
