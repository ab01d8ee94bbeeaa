// The qemu-io console: the output log exactly as blkstudio-io prints it (the session's
// transcript, so a reload or a second window shows the same), a command line with
// history (Up/Down, kept in localStorage) and readline-style completion of command names, and a
// request bar that composes a qemu-io line by clicking.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useApi, useAppInfoValue } from '../api-context';
import { useSessionStore } from '../session-store';
import { commandHint, complete, formatCandidates } from './completion';
import { addToHistory, atDraft, historyDown, historyUp, loadHistory, saveHistory, type HistoryNav } from './history';
import { PROMPT } from './transcript';
import { composeRequest, REQUEST_OPS, takesPattern, takesRange, type RequestForm, type RequestOp } from './request-line';
import './console.css';

const storage = (): Storage | null => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
};

export function Console({ run }: { run: (line: string) => Promise<void> }) {
  const lines = useSessionStore((s) => s.lines);
  const api = useApi();
  const commands = useAppInfoValue()?.engine.commands ?? null;
  const [line, setLine] = useState('');
  const [busy, setBusy] = useState(0);
  const [history, setHistory] = useState<string[]>(() => loadHistory(storage()));
  const nav = useRef<HistoryNav>(atDraft(history));
  /** The line as the last Tab left it: a Tab on the same line again lists the candidates. */
  const lastTab = useRef<string | null>(null);
  const [tabNote, setTabNote] = useState<string | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const stick = useRef(true);
  const [form, setForm] = useState<RequestForm>({ op: 'aio_write', offset: '0', length: '4096', pattern: '' });
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    const log = logRef.current;
    if (log && stick.current) log.scrollTop = log.scrollHeight;
  }, [lines]);

  const setCursor = (pos: number) =>
    requestAnimationFrame(() => {
      const el = inputRef.current;
      if (el) el.setSelectionRange(pos, pos);
    });

  const execute = (text: string) => {
    const next = addToHistory(history, text);
    setHistory(next);
    saveHistory(storage(), next);
    nav.current = atDraft(next);
    setBusy((n) => n + 1);
    void run(text).finally(() => setBusy((n) => n - 1));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = line.trim();
    if (!text) return;
    setLine('');
    lastTab.current = null;
    setTabNote(null);
    execute(text);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const moved = e.key === 'ArrowUp' ? historyUp(history, nav.current, line) : historyDown(history, nav.current);
      e.preventDefault();
      if (!moved) return;
      nav.current = moved.nav;
      setLine(moved.line);
      setCursor(moved.line.length);
      return;
    }
    if (e.key !== 'Tab' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    // An empty line keeps Tab for moving the focus on.
    if (!line || !commands) return;
    e.preventDefault();
    const cursor = e.currentTarget.selectionStart ?? line.length;
    const result = complete(line, cursor, commands);
    if (result.kind === 'none') {
      lastTab.current = null;
      return;
    }
    if (result.kind === 'unique') {
      lastTab.current = null;
      setTabNote(null);
      setLine(result.line);
      setCursor(result.cursor);
      return;
    }
    if (result.changed) {
      setLine(result.line);
      setCursor(result.cursor);
      lastTab.current = result.line;
      setTabNote(null);
      return;
    }
    if (lastTab.current === line) {
      const store = useSessionStore.getState();
      store.append('input', PROMPT + line);
      store.append('info', formatCandidates(result.candidates));
      stick.current = true;
      lastTab.current = null;
      setTabNote(null);
    } else {
      lastTab.current = line;
      setTabNote(`${result.candidates.length} commands match; Tab again to list them`);
    }
  };

  const hint = useMemo(() => (commands ? commandHint(line, commands) : null), [line, commands]);

  const sendRequest = (e: FormEvent) => {
    e.preventDefault();
    const composed = composeRequest(form);
    if (!composed.ok) {
      setFormError(composed.error);
      return;
    }
    setFormError(null);
    stick.current = true;
    execute(composed.line);
  };

  const clear = () => {
    useSessionStore.getState().clearLines();
    // The transcript is the session's: a reload or another window starts from here too.
    api.clearMemory({ transcript: true, events: false, draft: false }).catch(() => undefined);
    inputRef.current?.focus();
  };

  const update = (patch: Partial<RequestForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setFormError(null);
  };
  const rangeOff = !takesRange(form.op);
  const patternOff = !takesPattern(form.op);

  return (
    <section className="panel qio" aria-label="Console">
      <div className="qio-head">
        <h2 className="panel-title">Console</h2>
        {busy > 0 && (
          <span className="qio-busy">
            running…
          </span>
        )}
        <span className="qio-spacer" />
        <button type="button" className="qio-small" onClick={clear} disabled={lines.length === 0}>
          Clear
        </button>
      </div>
      <div
        className="qio-log"
        ref={logRef}
        role="log"
        aria-label="Console output"
        aria-live="polite"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
        }}
      >
        {lines.length === 0 && <div className="qio-empty">qemu-io output appears here. Type a command below (Tab completes, Up/Down recalls) or send a request.</div>}
        {lines.map((l) => (
          <span key={l.id} className={`qio-${l.kind}`}>
            {l.text}
            {'\n'}
          </span>
        ))}
      </div>
      <form className="qio-cmd" onSubmit={submit}>
        <label className="qio-prompt" htmlFor="qio-command">
          qemu-io&gt;
        </label>
        <input
          id="qio-command"
          ref={inputRef}
          type="text"
          aria-label="qemu-io command"
          aria-describedby="qio-hint"
          placeholder="e.g. aio_write -P 0xab 0 4k"
          value={line}
          onChange={(e) => {
            setLine(e.target.value);
            setTabNote(null);
          }}
          onKeyDown={onKeyDown}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
        />
        <button type="submit" disabled={!line.trim()}>
          Run
        </button>
      </form>
      <div id="qio-hint" className="qio-hint" aria-label="Command hint" title={tabNote ?? hint ?? undefined}>
        {tabNote ?? hint ?? '\u00a0'}
      </div>
      <form className="qio-req" onSubmit={sendRequest} aria-label="Request bar">
        <label>
          <span>Operation</span>
          <select value={form.op} onChange={(e) => update({ op: e.target.value as RequestOp })}>
            {REQUEST_OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Offset</span>
          <input className="qio-num" value={form.offset} disabled={rangeOff} onChange={(e) => update({ offset: e.target.value })} spellCheck={false} />
        </label>
        <label>
          <span>Length</span>
          <input className="qio-num" value={form.length} disabled={rangeOff} onChange={(e) => update({ length: e.target.value })} spellCheck={false} />
        </label>
        <label title="-P: the byte writes fill with and reads verify; empty for qemu-io's default">
          <span>Pattern</span>
          <input className="qio-pat" value={form.pattern} disabled={patternOff} placeholder={patternOff ? '' : '0xab'} onChange={(e) => update({ pattern: e.target.value })} spellCheck={false} />
        </label>
        <button type="submit" className="qio-send">
          Send request
        </button>
      </form>
      {formError && (
        <p className="qio-error" role="alert">
          {formError}
        </p>
      )}
    </section>
  );
}
