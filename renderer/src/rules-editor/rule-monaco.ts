// Monaco, loaded lazily by RulesPanel (import()): the tree-shaken editor core with its features
// and only the editor worker, the blkdebug language and the app's theme, and a small typed
// wrapper over monaco.editor.create. The language logic lives in rule-language.ts.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { BLKDEBUG_LANGUAGE_ID, BLKSTUDIO_THEME, blkdebugLanguageConfiguration, blkdebugMonarch } from './monarch';
import type { QuickFix } from './quick-fix';
import { completionsAt, hoverAt, type SuggestionKind } from './rule-language';

export type Monaco = typeof monaco;
export type RuleEditor = monaco.editor.IStandaloneCodeEditor;

self.MonacoEnvironment = {
  // The rule language needs no language worker: only the editor's own (diffing, links, words).
  getWorker: () => new EditorWorker(),
};

export const THEME_NAME = 'blkstudio-dark';

const KIND: Record<SuggestionKind, monaco.languages.CompletionItemKind> = {
  section: monaco.languages.CompletionItemKind.Module,
  attribute: monaco.languages.CompletionItemKind.Property,
  event: monaco.languages.CompletionItemKind.Event,
  errno: monaco.languages.CompletionItemKind.Constant,
  value: monaco.languages.CompletionItemKind.EnumMember,
};

let registered = false;

/** The "did you mean" fixes of each model's current markers (editor-binding sets them). */
const quickFixes = new WeakMap<monaco.editor.ITextModel, readonly QuickFix[]>();

export function setQuickFixes(model: monaco.editor.ITextModel, fixes: readonly QuickFix[]): void {
  quickFixes.set(model, fixes);
}

function registerBlkdebug(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: BLKDEBUG_LANGUAGE_ID, extensions: ['.cfg'], aliases: ['blkdebug rules'] });
  monaco.languages.setMonarchTokensProvider(BLKDEBUG_LANGUAGE_ID, blkdebugMonarch as monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration(BLKDEBUG_LANGUAGE_ID, blkdebugLanguageConfiguration);
  monaco.editor.defineTheme(THEME_NAME, BLKSTUDIO_THEME);

  monaco.languages.registerCompletionItemProvider(BLKDEBUG_LANGUAGE_ID, {
    triggerCharacters: ['[', '"', '='],
    provideCompletionItems(model, position) {
      const items = completionsAt(model.getValue(), position.lineNumber, position.column);
      const suggestions: monaco.languages.CompletionItem[] = items.map((s) => ({
        label: s.description ? { label: s.label, description: s.description } : s.label,
        kind: KIND[s.kind],
        detail: s.detail,
        documentation: s.documentation ? { value: s.documentation } : undefined,
        insertText: s.insertText,
        insertTextRules: s.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
        command: s.retrigger ? { id: 'editor.action.triggerSuggest', title: 'Suggest' } : undefined,
        filterText: s.filterText,
        sortText: s.sortText,
        range: new monaco.Range(position.lineNumber, s.startColumn, position.lineNumber, s.endColumn),
      }));
      return { suggestions };
    },
  });

  monaco.languages.registerCodeActionProvider(
    BLKDEBUG_LANGUAGE_ID,
    {
      provideCodeActions(model, _range, context) {
        const fixes = quickFixes.get(model) ?? [];
        const actions: monaco.languages.CodeAction[] = [];
        for (const marker of context.markers) {
          const fix = fixes.find((f) => f.line === marker.startLineNumber && f.startColumn === marker.startColumn);
          if (!fix) continue;
          const range = new monaco.Range(fix.line, fix.startColumn, fix.line, fix.endColumn);
          // The text has moved on since the parse: offer nothing rather than a wrong edit.
          if (fix.line > model.getLineCount() || model.getValueInRange(range) !== fix.word) continue;
          actions.push({
            title: fix.title,
            kind: 'quickfix',
            diagnostics: [marker],
            isPreferred: true,
            edit: { edits: [{ resource: model.uri, versionId: model.getVersionId(), textEdit: { range, text: fix.text } }] },
          });
        }
        return { actions, dispose() {} };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );

  monaco.languages.registerHoverProvider(BLKDEBUG_LANGUAGE_ID, {
    provideHover(model, position) {
      const hover = hoverAt(model.getValue(), position.lineNumber, position.column);
      if (!hover) return null;
      return {
        contents: hover.contents.map((value) => ({ value })),
        range: new monaco.Range(position.lineNumber, hover.startColumn, position.lineNumber, hover.endColumn),
      };
    },
  });
}

export interface CreatedEditor {
  monaco: Monaco;
  editor: RuleEditor;
  model: monaco.editor.ITextModel;
  dispose(): void;
}

/** A blkdebug rule editor in `container`, holding `value`. */
export function createRuleEditor(container: HTMLElement, value: string): CreatedEditor {
  registerBlkdebug();
  const model = monaco.editor.createModel(value, BLKDEBUG_LANGUAGE_ID);
  model.setEOL(monaco.editor.EndOfLineSequence.LF);
  const editor = monaco.editor.create(container, {
    model,
    theme: THEME_NAME,
    ariaLabel: 'Rule file',
    // A plain <textarea> for input (labelled 'Rule file'), not the EditContext API, whose extra
    // unlabelled IME textarea trips accessibility checks.
    editContext: false,
    minimap: { enabled: false },
    automaticLayout: true,
    fontFamily: "'DejaVu Sans Mono', 'Liberation Mono', monospace",
    fontSize: 13,
    lineNumbersMinChars: 3,
    scrollBeyondLastLine: false,
    renderLineHighlight: 'line',
    quickSuggestions: { other: true, strings: true, comments: false },
    suggestOnTriggerCharacters: true,
    wordBasedSuggestions: 'off',
    tabSize: 4,
    fixedOverflowWidgets: true,
    overviewRulerLanes: 0,
    hideCursorInOverviewRuler: true,
    padding: { top: 4, bottom: 4 },
    scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
  });
  return {
    monaco,
    editor,
    model,
    dispose() {
      editor.dispose();
      model.dispose();
    },
  };
}
