// The qemu-io console: a command line and the output log.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSessionStore } from '../session-store';

export function Console({ run }: { run: (line: string) => Promise<void> }) {
  const lines = useSessionStore((s) => s.lines);
  const [line, setLine] = useState('');
  const [busy, setBusy] = useState(false);
  const logRef = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = line.trim();
    if (!text || busy) return;
    setLine('');
    setBusy(true);
    void run(text).finally(() => setBusy(false));
  };

  return (
    <section className="card console" aria-labelledby="console-heading">
      <h2 id="console-heading">Console</h2>
      <pre className="console-log" ref={logRef} role="log" aria-label="Console output" aria-live="polite">
        {lines.map((l) => (
          <div key={l.id} className={`line line-${l.kind}`}>
            {l.text}
          </div>
        ))}
      </pre>
      <form className="console-input" onSubmit={submit}>
        <input
          type="text"
          aria-label="qemu-io command"
          placeholder="qemu-io command, e.g. read -P 0 0 4k"
          value={line}
          onChange={(e) => setLine(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={busy}>
          Run
        </button>
      </form>
    </section>
  );
}
