// The builder's typed controls: a text field that commits on blur/Enter (or on every keystroke
// for a new rule), and the event picker (a combobox filtering blkdebug's events with their docs).
import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { filterEvents } from './summary';

interface CommitProps {
  id: string;
  value: string;
  /** Commit on every change (a new rule's form) rather than on blur/Enter. */
  live: boolean;
  onCommit(value: string): void;
  invalid?: string | undefined;
  placeholder?: string;
  numeric?: boolean;
}

export function CommitInput({ id, value, live, onCommit, invalid, placeholder, numeric }: CommitProps) {
  const [buf, setBuf] = useState<string | null>(null);
  const commit = () => {
    if (buf !== null && buf !== value) onCommit(buf);
    setBuf(null);
  };
  return (
    <input
      id={id}
      type="text"
      inputMode={numeric ? 'numeric' : undefined}
      autoComplete="off"
      spellCheck={false}
      className="rb-input"
      value={live ? value : (buf ?? value)}
      placeholder={placeholder}
      aria-invalid={invalid ? true : undefined}
      title={invalid}
      onChange={(e) => (live ? onCommit(e.target.value) : setBuf(e.target.value))}
      onBlur={live ? undefined : commit}
      onKeyDown={(e) => {
        if (live) return;
        if (e.key === 'Enter') commit();
        else if (e.key === 'Escape') setBuf(null);
      }}
    />
  );
}

interface EventPickerProps {
  id: string;
  value: string;
  live: boolean;
  onCommit(value: string): void;
  invalid?: string | undefined;
}

/** A combobox over BLKDEBUG_EVENT_DOCS: type to filter by name or doc, pick with mouse or keys. */
export function EventPicker({ id, value, live, onCommit, invalid }: EventPickerProps) {
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [buf, setBuf] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [pos, setPos] = useState<{ left: number; top: number; width: number; maxHeight: number } | null>(null);
  const shown = live ? value : (buf ?? value);
  /** What the user typed since the list opened; null: nothing yet, every event is offered. */
  const [query, setQuery] = useState<string | null>(null);
  const options = filterEvents(query ?? '');

  useLayoutEffect(() => {
    if (!open || !input.current) return;
    const place = () => {
      const r = input.current!.getBoundingClientRect();
      const below = window.innerHeight - r.bottom - 8;
      const above = r.top - 8;
      const up = below < 200 && above > below;
      const maxHeight = Math.min(260, up ? above : below);
      setPos({ left: r.left, width: Math.max(r.width, 300), top: up ? r.top - maxHeight - 2 : r.bottom + 2, maxHeight });
    };
    place();
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [open]);

  useLayoutEffect(() => {
    if (!open || active < 0) return;
    list.current?.children[active]?.scrollIntoView({ block: 'nearest' });
  }, [open, active]);

  const choose = (name: string) => {
    setBuf(null);
    setQuery(null);
    setOpen(false);
    setActive(-1);
    if (name !== value) onCommit(name);
  };
  const commitTyped = () => {
    if (!live && buf !== null && buf !== value) onCommit(buf);
    setBuf(null);
    setQuery(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) setOpen(true);
      const n = options.length;
      if (n === 0) return;
      setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % n : a <= 0 ? n - 1 : a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (open && active >= 0 && options[active]) choose(options[active].name);
      else {
        commitTyped();
        setOpen(false);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setQuery(null);
        setOpen(false);
        setActive(-1);
      } else setBuf(null);
    }
  };

  return (
    <div className="rb-combo">
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        className="rb-input rb-mono"
        autoComplete="off"
        spellCheck={false}
        placeholder="event…"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={invalid ? true : undefined}
        title={invalid}
        value={shown}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onChange={(e) => {
          setOpen(true);
          setActive(-1);
          setQuery(e.target.value);
          if (live) onCommit(e.target.value);
          else setBuf(e.target.value);
        }}
        onBlur={() => {
          setOpen(false);
          setQuery(null);
          setActive(-1);
          commitTyped();
        }}
        onKeyDown={onKeyDown}
      />
      {open && pos && (
        <ul
          ref={list}
          id={listId}
          role="listbox"
          aria-label="Suggestions"
          className="rb-popup"
          style={{ left: pos.left, top: pos.top, width: pos.width, maxHeight: pos.maxHeight }}
        >
          {options.length === 0 && <li className="rb-popup-empty">No event matches</li>}
          {options.map((e, i) => (
            <li
              key={e.name}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active || (active < 0 && e.name === value)}
              className={`rb-popup-item${i === active ? ' active' : ''}${e.name === value ? ' current' : ''}`}
              onMouseDown={(ev) => {
                ev.preventDefault();
                choose(e.name);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="rb-mono">{e.name}</span>
              <span className="rb-doc">{e.doc}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
