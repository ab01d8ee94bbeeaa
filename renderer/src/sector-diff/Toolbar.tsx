// Above the hex panes: Go to sector (a sector or a byte offset) and Previous/Next mismatch.
import { useId, useState, type FormEvent } from 'react';
import { GOTO_HINT, parseGoTo } from './sector-diff-model';

interface ToolbarProps {
  length: number;
  onGoTo(offset: number): void;
  onStep(dir: 1 | -1): void;
  canStep(dir: 1 | -1): boolean;
}

export function Toolbar({ length, onGoTo, onStep, canStep }: ToolbarProps) {
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);
  const hintId = useId();
  const errorId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = parseGoTo(goto, length);
    if (!r.ok) return setGotoError(r.error);
    setGotoError(null);
    onGoTo(r.offset);
  };
  return (
    <>
      <div className="sd-toolbar">
        <form className="sd-goto" onSubmit={submit} noValidate>
          <label>
            <span>Go to sector</span>
            <input
              aria-label="Go to sector"
              aria-describedby={gotoError ? errorId : hintId}
              aria-invalid={gotoError ? true : undefined}
              placeholder="8 or 0x1000"
              title={GOTO_HINT}
              value={goto}
              onChange={(e) => {
                setGoto(e.target.value);
                setGotoError(null);
              }}
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <button type="submit" className="sd-btn">
            Go
          </button>
          <span id={hintId} className="sd-hint">
            {GOTO_HINT}
          </span>
        </form>
        <span className="sd-spacer" />
        <button type="button" className="sd-btn" onClick={() => onStep(-1)} disabled={!canStep(-1)} title="previous mismatch (p, Shift+F8)">
          Previous mismatch
        </button>
        <button type="button" className="sd-btn" onClick={() => onStep(1)} disabled={!canStep(1)} title="next mismatch (n, F8)">
          Next mismatch
        </button>
      </div>
      {gotoError && (
        <p id={errorId} className="sd-error" role="alert">
          {gotoError}
        </p>
      )}
    </>
  );
}
