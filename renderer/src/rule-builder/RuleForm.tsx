// The builder's form: one rule's fields (the selected section, the selected live breakpoint, or a
// new rule's draft). Fields commit through `onChange`; the form itself holds no rule state.
import { BLKDEBUG_IO_TYPES } from '../../../src/api';
import { CommitInput, EventPicker } from './fields';
import { ERRNOS, KNOWN_ERRNOS, type FormValues } from './form-values';
import type { RuleCount } from './rule-counts';
import { errnoLabel } from './summary';

export interface RuleFormProps {
  mode: 'rule' | 'break' | 'new';
  values: FormValues;
  /** The selected section's header line (mode 'rule'). */
  line: number | null;
  /** The selected breakpoint's rule id (mode 'break'), for the fields' identity. */
  breakpointId: number | null;
  /** The selected rule's counters, when the session runs this text. */
  count: RuleCount | undefined;
  /** The parse's problem with the value of `key` in the selected section. */
  invalid(key: string): string | undefined;
  error: string | null;
  onChange(key: keyof FormValues, value: string | boolean): void;
  onAdd(): void;
}

export function RuleForm({ mode, values, line, breakpointId, count, invalid, error, onChange, onAdd }: RuleFormProps) {
  const id = (name: string) => `rb-${name}`;
  const live = mode === 'new';
  const errnoKnown = values.errno === '' || KNOWN_ERRNOS.has(values.errno);
  const canAdd = values.event.trim() !== '' && (values.action !== 'break' || values.tag.trim() !== '');
  const key = (name: string) => `${name}-${line ?? 'new'}`;

  return (
    <form
      className="rb-form"
      aria-label="Rule"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <div className="rb-form-head">{mode === 'rule' ? `Rule at line ${line}` : mode === 'break' ? `Live breakpoint ${values.tag}` : 'New rule'}</div>
      {mode === 'rule' && count?.spent && (
        <p className="rb-spent-note" role="note">
          Spent: blkdebug removed this once rule after it failed a request (hit {count.hits}
          {count.injected === undefined ? '' : `, injected ${count.injected}`}). Apply the rules again to re-arm it.
        </p>
      )}
      <div className="rb-grid">
        <label htmlFor={id('action')}>Action</label>
        <select id={id('action')} className="rb-input" value={values.action} onChange={(e) => onChange('action', e.target.value)}>
          <option value="inject-error">inject-error</option>
          <option value="set-state">set-state</option>
          <option value="break">break</option>
        </select>

        <label htmlFor={id('event')}>Event</label>
        <EventPicker key={`event-${mode}-${line ?? breakpointId ?? ''}`} id={id('event')} value={values.event} live={live} invalid={invalid('event')} onCommit={(v) => onChange('event', v)} />

        {values.action !== 'break' && (
          <>
            <label htmlFor={id('state')}>State</label>
            <div className="rb-pair">
              <CommitInput key={key('state')} id={id('state')} numeric value={values.state} live={live} placeholder="0 = any" invalid={invalid('state')} onCommit={(v) => onChange('state', v)} />
              {values.action === 'set-state' ? (
                <>
                  <label htmlFor={id('new_state')}>New state</label>
                  <CommitInput key={key('new_state')} id={id('new_state')} numeric value={values.new_state} live={live} invalid={invalid('new_state')} onCommit={(v) => onChange('new_state', v)} />
                </>
              ) : (
                <>
                  <label htmlFor={id('sector')}>Sector</label>
                  <CommitInput key={key('sector')} id={id('sector')} numeric value={values.sector} live={live} placeholder="any" invalid={invalid('sector')} onCommit={(v) => onChange('sector', v)} />
                </>
              )}
            </div>
          </>
        )}

        {values.action === 'inject-error' && (
          <>
            <label htmlFor={id('errno')}>Errno</label>
            <select id={id('errno')} className="rb-input" value={values.errno} aria-invalid={invalid('errno') ? true : undefined} title={invalid('errno')} onChange={(e) => onChange('errno', e.target.value)}>
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
            <select id={id('iotype')} className="rb-input" value={values.iotype} aria-invalid={invalid('iotype') ? true : undefined} title={invalid('iotype')} onChange={(e) => onChange('iotype', e.target.value)}>
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
                <input type="checkbox" checked={values.once} onChange={(e) => onChange('once', e.target.checked)} aria-invalid={invalid('once') ? true : undefined} />
                Once
              </label>
              <label>
                <input type="checkbox" checked={values.immediately} onChange={(e) => onChange('immediately', e.target.checked)} aria-invalid={invalid('immediately') ? true : undefined} />
                Immediately
              </label>
            </div>
          </>
        )}

        {values.action === 'break' && (
          <>
            <label htmlFor={id('tag')}>Tag</label>
            <CommitInput key={`tag-${breakpointId ?? 'new'}`} id={id('tag')} value={values.tag} live={live} placeholder="e.g. A" onCommit={(v) => onChange('tag', v)} />
          </>
        )}
      </div>
      {error && (
        <p className="error rb-error" role="alert">
          {error}
        </p>
      )}
      <div className="rb-actions">
        <button type="button" className="rb-primary" disabled={!canAdd} title={canAdd ? undefined : values.action === 'break' ? 'A breakpoint needs an event and a tag' : 'A rule needs an event'} onClick={onAdd}>
          Add rule
        </button>
        {values.action === 'break' && <span className="muted rb-hint">Breakpoints go to the live session, not the file.</span>}
      </div>
    </form>
  );
}
