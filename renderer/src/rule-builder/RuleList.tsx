// The builder's left pane: the toolbar (move, delete, new) and the list of the text's sections
// with their counters (live, or greyed as spent once blkdebug used a once rule up), followed by
// the live breakpoints.
import type { KeyboardEvent, RefObject } from 'react';
import type { RuleSnapshot } from '../../../src/api';
import { countLabel, type RuleCount } from './rule-counts';
import type { SectionModel } from './rule-text';
import { breakpointSummary, sectionSummary } from './summary';

export interface Breakpoint {
  node: string;
  rule: RuleSnapshot;
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

function Counts({ count }: { count: RuleCount }) {
  if (!count.spent) {
    return (
      <span className={`rb-hits${count.hits > 0 ? ' hot' : ''}`} title="Hits since the rules were applied">
        {count.hits}
      </span>
    );
  }
  return (
    <span className="rb-spent" title="Used up: blkdebug removed this once rule after it failed a request. Apply the rules again to re-arm it.">
      <span className="rb-spent-mark">spent</span>
      <span className="rb-spent-count">hit {count.hits}</span>
      {count.injected !== undefined && <span className="rb-spent-count">injected {count.injected}</span>}
    </span>
  );
}

export interface RuleToolbarProps {
  mode: 'rule' | 'break' | 'new';
  /** The selected section's position, -1 without one. */
  index: number;
  count: number;
  onMove(direction: 'up' | 'down'): void;
  onDelete(): void;
  onNew(): void;
}

export function RuleToolbar({ mode, index, count, onMove, onDelete, onNew }: RuleToolbarProps) {
  return (
    <div className="rb-toolbar" role="toolbar" aria-label="Rule actions">
      <button type="button" className="rb-icon" aria-label="Move up" title="Move up" disabled={mode !== 'rule' || index <= 0} onClick={() => onMove('up')}>
        ↑
      </button>
      <button type="button" className="rb-icon" aria-label="Move down" title="Move down" disabled={mode !== 'rule' || index < 0 || index >= count - 1} onClick={() => onMove('down')}>
        ↓
      </button>
      <button type="button" className="rb-danger" disabled={mode === 'new'} onClick={onDelete}>
        Delete rule
      </button>
      <span className="spacer" />
      <button type="button" title="Clear the selection and fill in a new rule" disabled={mode === 'new'} onClick={onNew}>
        New
      </button>
    </div>
  );
}

export interface RuleListProps {
  listRef: RefObject<HTMLUListElement | null>;
  sections: readonly SectionModel[];
  counts: ReadonlyMap<number, RuleCount>;
  breakpoints: readonly Breakpoint[];
  selectedLine: number | null;
  selectedBp: Breakpoint | null;
  /** A section just added (highlighted briefly). */
  added: number | null;
  onSelectRule(line: number): void;
  onSelectBreakpoint(b: Breakpoint): void;
  onKeyDown(e: KeyboardEvent<HTMLUListElement>): void;
}

export function RuleList({ listRef, sections, counts, breakpoints, selectedLine, selectedBp, added, onSelectRule, onSelectBreakpoint, onKeyDown }: RuleListProps) {
  return (
    <ul ref={listRef} className="rb-list" role="listbox" aria-label="Rule list" tabIndex={0} onKeyDown={onKeyDown}>
      {sections.length === 0 && breakpoints.length === 0 && <li className="rb-empty">No rules yet. Fill in the form and press Add rule.</li>}
      {sections.map((s) => {
        const summary = sectionSummary(s);
        const c = counts.get(s.line);
        const selected = selectedLine === s.line;
        return (
          <li
            key={`l${s.line}`}
            role="option"
            aria-selected={selected}
            aria-label={c === undefined ? summary : `${summary}, ${countLabel(c)}`}
            className={`rb-row${selected ? ' selected' : ''}${added === s.line ? ' added' : ''}${c?.spent ? ' spent' : ''}`}
            onClick={() => onSelectRule(s.line)}
          >
            <span className="rb-line" title={`Line ${s.line}`}>
              {s.line}
            </span>
            <Summary text={summary} kind={s.group} />
            {c !== undefined && <Counts count={c} />}
          </li>
        );
      })}
      {breakpoints.map((b) => {
        const summary = breakpointSummary(b.rule);
        const selected = selectedBp !== null && selectedBp.rule.id === b.rule.id && selectedBp.node === b.node;
        return (
          <li
            key={`bp${b.node}-${b.rule.id}`}
            role="option"
            aria-selected={selected}
            aria-label={`${summary} (live breakpoint)`}
            className={`rb-row rb-bp${selected ? ' selected' : ''}`}
            onClick={() => onSelectBreakpoint(b)}
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
  );
}
