// The rule builder: the rules of the text (from the engine's parse) and the live breakpoints as a
// list, and one form for the selected or a new rule. Every change to a file rule is a small text
// edit (rule-text.ts) made through the rules store, so the text keeps its comments and layout.
// The pieces: RuleList/RuleToolbar and RuleForm (views), form-values and rule-counts (model),
// use-live-breakpoints and edit-queue (the API and text sides); this file wires the selection.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RuleLint } from '../../../src/api';
import { useApi } from '../api-context';
import { currentLint, useRulesStore } from '../rules/rules-store';
import { useSessionStore } from '../session-store';
import { createEditQueue, type RuleOp } from './edit-queue';
import { NEW_RULE, sectionValues, valuesOf, type Action, type FormValues } from './form-values';
import { ruleCounts } from './rule-counts';
import { RuleForm } from './RuleForm';
import { RuleList, RuleToolbar, type Breakpoint } from './RuleList';
import { addSection, buildModel, changeGroup, deleteSection, moveSection, removeAttribute, sectionAt, setAttribute, writeAttribute, type RuleGroup, type SectionModel } from './rule-text';
import { useLiveBreakpoints } from './use-live-breakpoints';
import './rule-builder.css';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

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
  const live = useLiveBreakpoints(api, snapshot);
  const bp = live.selected;
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  // While the text the queue just changed is being parsed, the selection it made (a moved rule's
  // new line) does not fit the old parse: keep showing the rule as last parsed.
  const lastSection = useRef<SectionModel | null>(null);
  const section = bp ? null : model === null && selectionSeq === queue.ownSelectionSeq() && selectedLine !== null ? lastSection.current : sectionAt(sections, selectedLine);
  if (model) lastSection.current = section;
  const mode: 'rule' | 'break' | 'new' = section ? 'rule' : bp ? 'break' : 'new';

  // Hit counts (and spent once rules), when the session runs exactly this text.
  const applied = appliedText !== null && appliedText === text;
  const counts = useMemo(() => ruleCounts(snapshot?.blkdebug[0], applied), [snapshot, applied]);

  // Problems the parse found on each line (to mark the field whose value is wrong).
  const problems = useMemo(() => {
    const map = new Map<number, string>();
    for (const d of lint?.diagnostics ?? []) if (!map.has(d.line)) map.set(d.line, d.message);
    return map;
  }, [lint]);

  // A selection made elsewhere (the editor) wins over a selected breakpoint; follow it.
  useEffect(() => {
    if (selectedLine !== null) live.select(null); // follows the store's selection only
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
    live.select(null);
    if (useRulesStore.getState().selectedLine !== null) useRulesStore.getState().select(null);
    setDraft({ ...draftRef.current, ...from });
  };

  const selectRule = (line: number) => {
    setError(null);
    live.select(null);
    useRulesStore.getState().select(line);
  };
  const selectBreakpoint = (b: Breakpoint) => {
    setError(null);
    if (useRulesStore.getState().selectedLine !== null) useRulesStore.getState().select(null);
    live.select(b);
  };

  /** Run an API call, showing its failure in the form. */
  const attempt = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
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
        if (next.event !== '' && next.tag !== '') void attempt(() => live.replace(next.event, next.tag));
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

  const addRule = () => {
    setError(null);
    const f = mode === 'new' ? draftRef.current : values;
    if (f.action === 'break') {
      void attempt(() => api.setBreakpoint({ event: f.event.trim(), tag: f.tag.trim() }));
      return;
    }
    const group = f.action;
    queue.enqueue((t, l) => {
      const { edits, headerLine } = addSection(t, l, group, sectionValues(f));
      return { edits, after: () => setAdded(headerLine) };
    });
  };

  const deleteRule = () => {
    setError(null);
    if (mode === 'rule') {
      const header = section!.line;
      enqueueForSelected(header, (t, l, h) => ({ edits: deleteSection(t, l, h), select: null }));
    } else if (mode === 'break' && bp) {
      void attempt(() => live.remove());
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
  const rows: Row[] = [...sections.map((s) => ({ kind: 'rule' as const, line: s.line })), ...live.breakpoints.map((b) => ({ kind: 'break' as const, bp: b }))];
  const current = rows.findIndex((r) => (r.kind === 'rule' ? section?.line === r.line : bp !== null && r.bp.rule.id === bp.rule.id && r.bp.node === bp.node));
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    if (rows.length === 0) return;
    const next = rows[Math.max(0, Math.min(rows.length - 1, current + (e.key === 'ArrowDown' ? 1 : -1)))]!;
    if (next.kind === 'rule') selectRule(next.line);
    else selectBreakpoint(next.bp);
  };

  const status = lint === null ? 'parsing…' : applied ? 'applied' : 'not applied';

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
          <RuleToolbar
            mode={mode}
            index={section ? section.index : -1}
            count={sections.length}
            onMove={move}
            onDelete={deleteRule}
            onNew={() => startNew(mode === 'rule' || mode === 'break' ? { ...values, tag: mode === 'break' ? values.tag : draftRef.current.tag } : {})}
          />
          <RuleList
            listRef={listRef}
            sections={sections}
            counts={counts}
            breakpoints={live.breakpoints}
            selectedLine={section?.line ?? null}
            selectedBp={bp}
            added={added}
            onSelectRule={selectRule}
            onSelectBreakpoint={selectBreakpoint}
            onKeyDown={onListKey}
          />
        </div>
        <RuleForm
          mode={mode}
          values={values}
          line={section?.line ?? null}
          breakpointId={bp?.rule.id ?? null}
          count={section ? counts.get(section.line) : undefined}
          invalid={invalid}
          error={error}
          onChange={change}
          onAdd={addRule}
        />
      </div>
    </section>
  );
}
