// The rule file editor: Monaco (loaded lazily) with the blkdebug language, a toolbar to apply,
// open and save the rules, and the problems the engine finds in them.
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import type { RuleDiagnostic } from '../../../src/api';
import { currentLint, useRulesStore } from '../rules/rules-store';
import { useApplyRules } from '../rules/use-rules';
import type { EditorBinding } from './editor-binding';
import { EditorKeysHint } from './EditorKeysHint';
import { isModified, mergeProblems, outcomeText, problemLabel, type ApplyOutcome } from './problems';
import './RulesPanel.css';

type EditorStatus = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; message: string };

/** The outcome of this panel's last Apply and the text it was for. */
interface ApplyResult {
  text: string;
  outcome: ApplyOutcome;
}

export function RulesPanel() {
  const hostRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const bindingRef = useRef<EditorBinding | null>(null);
  const [editorStatus, setEditorStatus] = useState<EditorStatus>({ kind: 'loading' });
  const [resetState, setResetState] = useState(false);
  const [applying, setApplying] = useState(false);
  const [result, setResult] = useState<ApplyResult | null>(null);
  const applyRules = useApplyRules();

  const text = useRulesStore((s) => s.text);
  const appliedText = useRulesStore((s) => s.appliedText);
  const draft = useRulesStore((s) => s.draft);
  const draftRestored = useRulesStore((s) => s.draftRestored);
  const lint = useRulesStore(currentLint);

  // The last fresh parse: kept while the engine re-parses the text, so markers do not flicker.
  const [lastLint, setLastLint] = useState(lint);
  if (lint && lint !== lastLint) setLastLint(lint);

  const resetRef = useRef(resetState);
  resetRef.current = resetState;

  const apply = useCallback(async () => {
    const applied = useRulesStore.getState().text;
    setApplying(true);
    try {
      const ok = await applyRules(resetRef.current);
      const { applyDiagnostics, applyError } = useRulesStore.getState();
      const outcome: ApplyOutcome = ok
        ? { kind: 'applied' }
        : applyError !== null
          ? { kind: 'error', message: applyError }
          : { kind: 'problems', count: applyDiagnostics.length };
      setResult({ text: applied, outcome });
    } finally {
      setApplying(false);
    }
  }, [applyRules]);
  const applyRef = useRef(apply);
  applyRef.current = apply;

  // Mount Monaco once; it arrives in its own chunk.
  useEffect(() => {
    let cancelled = false;
    let dispose: (() => void) | null = null;
    setEditorStatus({ kind: 'loading' });
    Promise.all([import('./rule-monaco'), import('./editor-binding')]).then(
      ([{ createRuleEditor }, { bindEditor }]) => {
        if (cancelled || !hostRef.current) return;
        const created = createRuleEditor(hostRef.current, useRulesStore.getState().text);
        const binding = bindEditor(created, () => void applyRef.current());
        bindingRef.current = binding;
        dispose = () => {
          bindingRef.current = null;
          binding.dispose();
          created.dispose();
        };
        setEditorStatus({ kind: 'ready' });
      },
      (err: unknown) => {
        if (!cancelled) setEditorStatus({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, []);

  // What the last Apply reported (from this panel, Ctrl+S or elsewhere), and for which text.
  const [applied, setAppliedDiagnostics] = useState<{ text: string; diagnostics: RuleDiagnostic[] } | null>(null);
  useEffect(
    () =>
      useRulesStore.subscribe((s, prev) => {
        if (s.applyDiagnostics !== prev.applyDiagnostics) setAppliedDiagnostics({ text: s.text, diagnostics: s.applyDiagnostics });
      }),
    [],
  );

  const resultIsCurrent = result !== null && result.text === text;
  const applyDiagnostics = applied !== null && applied.text === text ? applied.diagnostics : null;
  const problems = useMemo(() => mergeProblems(lastLint?.diagnostics ?? null, applyDiagnostics), [lastLint, applyDiagnostics]);

  useEffect(() => {
    bindingRef.current?.setProblems(problems);
  }, [problems, editorStatus]);

  const onOpen = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    useRulesStore.getState().replaceText(await file.text());
  };

  const onSave = () => {
    const url = URL.createObjectURL(new Blob([useRulesStore.getState().text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'rules.cfg';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  // Ctrl/Cmd+S anywhere in the panel applies (Monaco handles it itself while it has focus).
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's' && !e.defaultPrevented) {
      e.preventDefault();
      void apply();
    }
  };

  const modified = isModified(text, appliedText);

  return (
    <section className="panel rules-panel" aria-label="Rules" onKeyDown={onKeyDown}>
      <div className="rules-head">
        <h2 className="panel-title">Rules</h2>
        <span className="rules-status">
          {applying && <span className="rules-applying">Applying…</span>}
          {!applying && resultIsCurrent && (
            <span className={`rules-result rules-result-${result.outcome.kind}`} title={outcomeText(result.outcome)}>
              {outcomeText(result.outcome)}
            </span>
          )}
          {modified && <span className="rules-modified">Modified, not applied</span>}
          {modified && draft === 'kept' && (
            <span className="rules-draft" title="The unapplied text is kept in the session: a reload or another window gets it back">
              {draftRestored ? 'Restored from the session' : 'Kept in the session'}
            </span>
          )}
          {!modified && appliedText !== null && !applying && !resultIsCurrent && <span className="rules-sync">Matches the session</span>}
        </span>
      </div>
      <div className="rules-toolbar">
        <button type="button" className="rules-apply" onClick={() => void apply()} disabled={applying} title="Apply the rules to the session (Ctrl+S)">
          Apply rules
        </button>
        <label className="rules-check">
          <input type="checkbox" checked={resetState} onChange={(e) => setResetState(e.target.checked)} />
          Reset state on apply
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => fileRef.current?.click()}>
          Open rules…
        </button>
        <input ref={fileRef} type="file" accept=".cfg,.conf,.ini,.txt,text/plain" className="rules-file-input" tabIndex={-1} aria-label="Rule file to open" onChange={(e) => void onOpen(e)} />
        <button type="button" onClick={onSave}>
          Save rules…
        </button>
      </div>
      <EditorKeysHint />
      <div className="rules-editor-frame">
        <div ref={hostRef} className="rules-editor-host" />
        {editorStatus.kind === 'loading' && <p className="rules-editor-note muted">Loading editor…</p>}
        {editorStatus.kind === 'failed' && <p className="rules-editor-note error">Editor failed to load: {editorStatus.message}</p>}
      </div>
      <div className="rules-problems">
        <ul role="list" aria-label="Problems" className="rules-problem-list">
          {/* Keyed by place in the list, not by position in the text: a re-parse that moves a
              problem's column must not replace the button that has the focus. */}
          {problems.map((p, i) => (
            <li key={`${p.source}:${i}`}>
              <button type="button" className="rules-problem" title={problemLabel(p)} onClick={() => bindingRef.current?.goTo(p.line, p.column)}>
                <span className="rules-problem-pos">
                  {p.line}:{p.column}
                </span>{' '}
                <span className="rules-problem-msg">{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
        {problems.length === 0 && <p className="rules-no-problems muted">{lastLint ? 'No problems' : '\u00a0'}</p>}
      </div>
    </section>
  );
}
