// The rule builder: the rules of the text (from the engine's parse) and the live breakpoints as a
// list, and one form for the selected or a new rule. Every change to a file rule is a small text
// edit (rule-text.ts) made through the rules store, so the text keeps its comments and layout.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { BLKDEBUG_IO_TYPES, type RuleLint, type RuleSnapshot } from '../../../src/api';
import { useApi } from '../api-context';
import { currentLint, useRulesStore } from '../rules/rules-store';
import { useSessionStore } from '../session-store';
import { createEditQueue, type RuleOp } from './edit-queue';
import { CommitInput, EventPicker } from './fields';
import {
  addSection,
  buildModel,
  changeGroup,
  deleteSection,
  moveSection,
  removeAttribute,
  sectionAt,
  setAttribute,
  writeAttribute,
  type RuleGroup,
  type SectionModel,
} from './rule-text';
import { breakpointSummary, errnoLabel, errnoOptions, isOn, sectionSummary } from './summary';
import './rule-builder.css';

type Action = RuleGroup | 'break';

interface FormValues {
  action: Action;
  event: string;
  state: string;
  new_state: string;
  errno: string;
  sector: string;
  once: boolean;
  immediately: boolean;
  iotype: string;
  tag: string;
}

const NEW_RULE: FormValues = { action: 'inject-error', event: '', state: '', new_state: '', errno: '5', sector: '', once: false, immediately: false, iotype: '', tag: '' };

interface Breakpoint {
  node: string;
  rule: RuleSnapshot;
}

const ERRNOS = errnoOptions();
const KNOWN_ERRNOS = new Set([...ERRNOS.common, ...ERRNOS.all].map((o) => o.value));

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function valuesOf(section: SectionModel): FormValues {
  const v = section.values;
  return {
    action: section.group === 'set-state' ? 'set-state' : 'inject-error',
    event: v.event ?? '',
    state: v.state ?? '',
    new_state: v.new_state ?? '',
    errno: v.errno ?? '',
    sector: v.sector ?? '',
    once: isOn(v.once),
    immediately: isOn(v.immediately),
    iotype: v.iotype ?? '',
    tag: '',
  };
}

/** The section's keys and values a new rule is written with. */
function sectionValues(f: FormValues): Record<string, string> {
  return {
    event: f.event,
    state: f.state,
    errno: f.errno,
    new_state: f.new_state,
    sector: f.sector,
    once: f.once ? 'on' : '',
    immediately: f.immediately ? 'on' : '',
    iotype: f.iotype,
  };
}

/** A row's summary, its first word (the kind) coloured. */
function Summary({ text, kind }: { text: string; kind: string }) {
  const space = text.indexOf(' ');
  return (
    <span className="rb-summary">
      <span className={`rb-kind rb-kind-${kind}`}>{space < 0 ? text : text.slice(0, space)}</span>
      {space < 0 ? '' : text.slice(space)}
    </span>
  );
}

export function RuleBuilder() {
  const api = useApi();
  const queue = useMemo(() => createEditQueue(), []);
  const text = useRulesStore((s) => s.text);
  const lint = useRulesStore(currentLint);
  const appliedText = useRulesStore((s) => s.appliedText);
  const selectedLine = useRulesStore((s) => s.selectedLine);
  const selectionSeq = useRulesStore((s) => s.selectionSeq);
  const snapshot = useSessionStore((s) => s.snapshot);

  // The last parse's model, kept while the next parse is on its way (no flicker).
  const lastModel = useRef<SectionModel[]>([]);
  const model = useMemo(() => (lint ? buildModel(text, lint) : null), [text, lint]);
  if (model) lastModel.current = model;
  const sections = model ?? lastModel.current;

  const [draft, setDraftState] = useState<FormValues>(NEW_RULE);
  const draftRef = useRef(draft);
  const setDraft = (next: FormValues) => {
    draftRef.current = next;
    setDraftState(next);
  };
  const [selectedBp, setSelectedBp] = useState<{ node: string; id: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const breakpoints: Breakpoint[] = useMemo(
    () => (snapshot?.blkdebug ?? []).flatMap((b) => b.rules.filter((r) => r.kind === 'suspend').map((rule) => ({ node: b.node, rule }))),
    [snapshot],
  );
  const bp = selectedBp ? (breakpoints.find((b) => b.node === selectedBp.node && b.rule.id === selectedBp.id) ?? null) : null;
  // While the text the queue just changed is being parsed, the selection it made (a moved rule's
  // new line) does not fit the old parse: keep showing the rule as last parsed.
  const lastSection = useRef<SectionModel | null>(null);
  const section = bp ? null : model === null && selectionSeq === queue.ownSelectionSeq() && selectedLine !== null ? lastSection.current : sectionAt(sections, selectedLine);
  if (model) lastSection.current = section;
  const mode: 'rule' | 'break' | 'new' = section ? 'rule' : bp ? 'break' : 'new';

  // Hit counts, when the session runs exactly this text.
  const hits = useMemo(() => {
    const map = new Map<number, number>();
    if (appliedText === null || appliedText !== text) return map;
    for (const r of snapshot?.blkdebug[0]?.rules ?? []) if (r.kind !== 'suspend' && r.source.line !== undefined) map.set(r.source.line, r.hits);
    return map;
  }, [snapshot, appliedText, text]);

  // Problems the parse found on each line (to mark the field whose value is wrong).
  const problems = useMemo(() => {
    const map = new Map<number, string>();
    for (const d of lint?.diagnostics ?? []) if (!map.has(d.line)) map.set(d.line, d.message);
    return map;
  }, [lint]);

  // A selection made elsewhere (the editor) wins over a selected breakpoint; follow it.
  useEffect(() => {
    if (selectedLine !== null) setSelectedBp(null);
    requestAnimationFrame(() => listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' }));
  }, [selectionSeq, selectedLine]);

  useEffect(() => {
    if (added === null) return;
    const t = setTimeout(() => setAdded(null), 1200);
    requestAnimationFrame(() => listRef.current?.querySelector('.rb-row.added')?.scrollIntoView({ block: 'nearest' }));
    return () => clearTimeout(t);
  }, [added]);

  // What a control was just set to, shown until the text's next parse says the same.
  const [optimistic, setOptimistic] = useState<Partial<FormValues>>({});
  useEffect(() => {
    if (model && queue.pending() === 0) setOptimistic({});
  }, [model, queue]);
  useEffect(() => setOptimistic({}), [section?.line, mode]);

  const values: FormValues = mode === 'rule' ? { ...valuesOf(section!), ...optimistic } : mode === 'break' ? { ...NEW_RULE, errno: '', action: 'break', event: bp!.rule.event, tag: bp!.rule.tag ?? '' } : draft;
  const invalid = (key: string): string | undefined => {
    if (!section) return undefined;
    const line = section.options.filter((o) => o.key === key).pop()?.line;
    return line === undefined ? undefined : problems.get(line);
  };

  const startNew = (from: Partial<FormValues>) => {
    setSelectedBp(null);
    if (useRulesStore.getState().selectedLine !== null) useRulesStore.getState().select(null);
    setDraft({ ...draftRef.current, ...from });
  };

  const selectRule = (line: number) => {
    setError(null);
    setSelectedBp(null);
    useRulesStore.getState().select(line);
  };
  const selectBreakpoint = (b: Breakpoint) => {
    setError(null);
    if (useRulesStore.getState().selectedLine !== null) useRulesStore.getState().select(null);
    setSelectedBp({ node: b.node, id: b.rule.id });
  };

  /** Replace the selected breakpoint with one on another event or tag. */
  const changeBreakpoint = async (event: string, tag: string) => {
    if (!bp) return;
    setError(null);
    try {
      await api.removeBreakpoint({ tag: bp.rule.tag ?? '', node: bp.node });
      await api.setBreakpoint({ event, tag, node: bp.node });
      const snap = await api.snapshot();
      useSessionStore.getState().setSnapshot(snap);
      const fresh = snap.blkdebug.find((b) => b.node === bp.node)?.rules.find((r) => r.kind === 'suspend' && r.tag === tag && r.event === event);
      setSelectedBp(fresh ? { node: bp.node, id: fresh.id } : null);
    } catch (err) {
      setError(message(err));
    }
  };

  /**
   * Queue a change to the selected rule (shown with header `header`). When it runs, the rule is
   * found again through the store's selection if that is still the one the user acted on (the
   * queue keeps it on the rule across moves), else by the header line.
   */
  const enqueueForSelected = (header: number, op: (text: string, lint: RuleLint, header: number) => ReturnType<RuleOp>) => {
    const seq = useRulesStore.getState().selectionSeq;
    queue.enqueue((t, l) => {
      const s = useRulesStore.getState();
      if (queue.userSelectedSince(seq)) return op(t, l, header);
      // Still the user's selection: nothing selected any more (deleted) means nothing to change.
      const now = sectionAt(buildModel(t, l), s.selectedLine);
      return now ? op(t, l, now.line) : [];
    });
  };

  /** A control changed: edit the selected rule's text, the breakpoint, or the new rule's draft. */
  const change = (key: keyof FormValues, value: string | boolean) => {
    setError(null);
    if (mode === 'new') {
      setDraft({ ...draftRef.current, [key]: value });
      return;
    }
    if (mode === 'break') {
      if (key === 'action') startNew({ ...values, errno: NEW_RULE.errno, action: value as Action });
      else if (key === 'event' || key === 'tag') {
        const next = { event: values.event, tag: values.tag, [key]: String(value) };
        if (next.event !== '' && next.tag !== '') void changeBreakpoint(next.event, next.tag);
      }
      return;
    }
    const header = section!.line;
    if (key !== 'action' || value !== 'break') setOptimistic((o) => ({ ...o, [key]: value }));
    if (key === 'action') {
      if (value === 'break') startNew({ ...values, action: 'break' });
      else enqueueForSelected(header, (t, l, h) => changeGroup(t, l, h, value as RuleGroup));
      return;
    }
    if (typeof value === 'boolean') {
      enqueueForSelected(header, (t, l, h) => (value ? setAttribute(t, l, h, key, 'on') : removeAttribute(t, l, h, key)));
      return;
    }
    enqueueForSelected(header, (t, l, h) => writeAttribute(t, l, h, key, value));
  };

  const canAdd = values.event.trim() !== '' && (values.action !== 'break' || values.tag.trim() !== '');

  const addRule = async () => {
    setError(null);
    const f = mode === 'new' ? draftRef.current : values;
    if (f.action === 'break') {
      try {
        await api.setBreakpoint({ event: f.event.trim(), tag: f.tag.trim() });
      } catch (err) {
        setError(message(err));
      }
      return;
    }
    const group = f.action;
    queue.enqueue((t, l) => {
      const { edits, headerLine } = addSection(t, l, group, sectionValues(f));
      return { edits, after: () => setAdded(headerLine) };
    });
  };

  const deleteRule = async () => {
    setError(null);
    if (mode === 'rule') {
      const header = section!.line;
      enqueueForSelected(header, (t, l, h) => ({ edits: deleteSection(t, l, h), select: null }));
    } else if (mode === 'break' && bp) {
      try {
        await api.removeBreakpoint({ tag: bp.rule.tag ?? '', node: bp.node });
        setSelectedBp(null);
      } catch (err) {
        setError(message(err));
      }
    }
  };

  const move = (direction: 'up' | 'down') => {
    if (mode !== 'rule') return;
    const header = section!.line;
    enqueueForSelected(header, (t, l, h) => {
      const moved = moveSection(t, l, h, direction);
      return moved ? { edits: moved.edits, select: moved.headerLine } : [];
    });
  };

  // Keyboard: arrows move the selection through the list.
  type Row = { kind: 'rule'; line: number } | { kind: 'break'; bp: Breakpoint };
  const rows: Row[] = [...sections.map((s) => ({ kind: 'rule' as const, line: s.line })), ...breakpoints.map((b) => ({ kind: 'break' as const, bp: b }))];
  const current = rows.findIndex((r) => (r.kind === 'rule' ? section?.line === r.line : bp !== null && r.bp.rule.id === bp.rule.id && r.bp.node === bp.node));
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    if (rows.length === 0) return;
    const next = rows[Math.max(0, Math.min(rows.length - 1, current + (e.key === 'ArrowDown' ? 1 : -1)))]!;
    if (next.kind === 'rule') selectRule(next.line);
    else selectBreakpoint(next.bp);
  };

  const index = section ? section.index : -1;
  const status = lint === null ? 'parsing…' : appliedText !== null && appliedText === text ? 'applied' : 'not applied';
  const id = (name: string) => `rb-${name}`;
  const live = mode === 'new';
  const errnoKnown = values.errno === '' || KNOWN_ERRNOS.has(values.errno);

  return (
    <section className="panel rule-builder" aria-label="Rule builder">
      <h2 className="panel-title rb-title">
        Rule builder
        <span className={`rb-status ${status === 'applied' ? 'ok' : ''}`} aria-label="Rules status">
          {status}
        </span>
      </h2>
      <div className="rb-body">
        <div className="rb-listpane">
          <div className="rb-toolbar" role="toolbar" aria-label="Rule actions">
            <button type="button" className="rb-icon" aria-label="Move up" title="Move up" disabled={mode !== 'rule' || index <= 0} onClick={() => move('up')}>
              ↑
            </button>
            <button type="button" className="rb-icon" aria-label="Move down" title="Move down" disabled={mode !== 'rule' || index < 0 || index >= sections.length - 1} onClick={() => move('down')}>
              ↓
            </button>
            <button type="button" className="rb-danger" disabled={mode === 'new'} onClick={() => void deleteRule()}>
              Delete rule
            </button>
            <span className="spacer" />
            <button type="button" title="Clear the selection and fill in a new rule" disabled={mode === 'new'} onClick={() => startNew(mode === 'rule' || mode === 'break' ? { ...values, tag: mode === 'break' ? values.tag : draftRef.current.tag } : {})}>
              New
            </button>
          </div>
          <ul ref={listRef} className="rb-list" role="listbox" aria-label="Rule list" tabIndex={0} onKeyDown={onListKey}>
            {sections.length === 0 && breakpoints.length === 0 && <li className="rb-empty">No rules yet. Fill in the form and press Add rule.</li>}
            {sections.map((s) => {
              const summary = sectionSummary(s);
              const h = hits.get(s.line);
              const selected = section?.line === s.line;
              return (
                <li
                  key={`l${s.line}`}
                  role="option"
                  aria-selected={selected}
                  aria-label={h === undefined ? summary : `${summary}, ${h} ${h === 1 ? 'hit' : 'hits'}`}
                  className={`rb-row${selected ? ' selected' : ''}${added === s.line ? ' added' : ''}`}
                  onClick={() => selectRule(s.line)}
                >
                  <span className="rb-line" title={`Line ${s.line}`}>
                    {s.line}
                  </span>
                  <Summary text={summary} kind={s.group} />
                  {h !== undefined && (
                    <span className={`rb-hits${h > 0 ? ' hot' : ''}`} title="Hits since the rules were applied">
                      {h}
                    </span>
                  )}
                </li>
              );
            })}
            {breakpoints.map((b) => {
              const summary = breakpointSummary(b.rule);
              const selected = bp !== null && bp.rule.id === b.rule.id && bp.node === b.node;
              return (
                <li
                  key={`bp${b.node}-${b.rule.id}`}
                  role="option"
                  aria-selected={selected}
                  aria-label={`${summary} (live breakpoint)`}
                  className={`rb-row rb-bp${selected ? ' selected' : ''}`}
                  onClick={() => selectBreakpoint(b)}
                >
                  <span className="rb-line" title="Not in the rule file">
                    ●
                  </span>
                  <Summary text={summary} kind="break" />
                  <span className="rb-live" title="Set on the live session; not part of the rule file">
                    live
                  </span>
                </li>
              );
            })}
          </ul>
        </div>

        <form
          className="rb-form"
          aria-label="Rule"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <div className="rb-form-head">
            {mode === 'rule' ? `Rule at line ${section!.line}` : mode === 'break' ? `Live breakpoint ${values.tag}` : 'New rule'}
          </div>
          <div className="rb-grid">
            <label htmlFor={id('action')}>Action</label>
            <select id={id('action')} className="rb-input" value={values.action} onChange={(e) => change('action', e.target.value)}>
              <option value="inject-error">inject-error</option>
              <option value="set-state">set-state</option>
              <option value="break">break</option>
            </select>

            <label htmlFor={id('event')}>Event</label>
            <EventPicker key={`event-${mode}-${section?.line ?? bp?.rule.id ?? ''}`} id={id('event')} value={values.event} live={live} invalid={invalid('event')} onCommit={(v) => change('event', v)} />

            {values.action !== 'break' && (
              <>
                <label htmlFor={id('state')}>State</label>
                <div className="rb-pair">
                  <CommitInput key={`state-${section?.line ?? 'new'}`} id={id('state')} numeric value={values.state} live={live} placeholder="0 = any" invalid={invalid('state')} onCommit={(v) => change('state', v)} />
                  {values.action === 'set-state' ? (
                    <>
                      <label htmlFor={id('new_state')}>New state</label>
                      <CommitInput key={`new_state-${section?.line ?? 'new'}`} id={id('new_state')} numeric value={values.new_state} live={live} invalid={invalid('new_state')} onCommit={(v) => change('new_state', v)} />
                    </>
                  ) : (
                    <>
                      <label htmlFor={id('sector')}>Sector</label>
                      <CommitInput key={`sector-${section?.line ?? 'new'}`} id={id('sector')} numeric value={values.sector} live={live} placeholder="any" invalid={invalid('sector')} onCommit={(v) => change('sector', v)} />
                    </>
                  )}
                </div>
              </>
            )}

            {values.action === 'inject-error' && (
              <>
                <label htmlFor={id('errno')}>Errno</label>
                <select id={id('errno')} className="rb-input" value={values.errno} aria-invalid={invalid('errno') ? true : undefined} title={invalid('errno')} onChange={(e) => change('errno', e.target.value)}>
                  <option value="">default (EIO)</option>
                  {!errnoKnown && <option value={values.errno}>{errnoLabel(values.errno)}</option>}
                  <optgroup label="Common">
                    {ERRNOS.common.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label="All">
                    {ERRNOS.all.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </optgroup>
                </select>

                <label htmlFor={id('iotype')}>I/O type</label>
                <select id={id('iotype')} className="rb-input" value={values.iotype} aria-invalid={invalid('iotype') ? true : undefined} title={invalid('iotype')} onChange={(e) => change('iotype', e.target.value)}>
                  <option value="">any</option>
                  {values.iotype !== '' && !(BLKDEBUG_IO_TYPES as readonly string[]).includes(values.iotype) && <option value={values.iotype}>{values.iotype}</option>}
                  {BLKDEBUG_IO_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>

                <span />
                <div className="rb-checks">
                  <label>
                    <input type="checkbox" checked={values.once} onChange={(e) => change('once', e.target.checked)} aria-invalid={invalid('once') ? true : undefined} />
                    Once
                  </label>
                  <label>
                    <input type="checkbox" checked={values.immediately} onChange={(e) => change('immediately', e.target.checked)} aria-invalid={invalid('immediately') ? true : undefined} />
                    Immediately
                  </label>
                </div>
              </>
            )}

            {values.action === 'break' && (
              <>
                <label htmlFor={id('tag')}>Tag</label>
                <CommitInput key={`tag-${bp?.rule.id ?? 'new'}`} id={id('tag')} value={values.tag} live={live} placeholder="e.g. A" onCommit={(v) => change('tag', v)} />
              </>
            )}
          </div>
          {error && (
            <p className="error rb-error" role="alert">
              {error}
            </p>
          )}
          <div className="rb-actions">
            <button type="button" className="rb-primary" disabled={!canAdd} title={canAdd ? undefined : values.action === 'break' ? 'A breakpoint needs an event and a tag' : 'A rule needs an event'} onClick={() => void addRule()}>
              Add rule
            </button>
            {values.action === 'break' && <span className="muted rb-hint">Breakpoints go to the live session, not the file.</span>}
          </div>
        </form>
      </div>
    </section>
  );
}
