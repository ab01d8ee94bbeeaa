// Keeps the rule text in step with the engine: parses it (lintRules) shortly after each change,
// applies it on request, and loads the session's rules at start and when something else (the
// console, the Electron menu) replaces them while the editor holds nothing unapplied.
import { useCallback, useEffect } from 'react';
import type { BlkstudioApi } from '../../../src/api';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { useRulesStore } from './rules-store';

/** How long typing must pause before the text is parsed again. */
export const LINT_DELAY_MS = 120;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Applies made from this window whose rules-replaced event has not come back yet. */
let ownApplies = 0;

export async function applyRuleText(api: BlkstudioApi, resetState = false): Promise<boolean> {
  const { text, setApplied } = useRulesStore.getState();
  try {
    const diagnostics = await api.applyRules({ text, resetState });
    if (diagnostics.length > 0) {
      setApplied(null, diagnostics);
      return false;
    }
    ownApplies++;
    setApplied(text, []);
    return true;
  } catch (err) {
    setApplied(null, [], message(err));
    return false;
  }
}

async function loadSessionRules(api: BlkstudioApi): Promise<void> {
  try {
    const text = await api.exportRules();
    const store = useRulesStore.getState();
    // Never overwrite what the user typed and has not applied.
    if (store.text !== (store.appliedText ?? '')) return;
    store.replaceText(text);
    store.setApplied(text, []);
  } catch {
    // No blkdebug node in the image: the editor keeps its text; Apply says why it cannot.
  }
}

/** Mount once (in App): linting, the initial load and reloads on outside changes. */
export function useRulesSync(): void {
  const api = useApi();
  const text = useRulesStore((s) => s.text);
  const rulesReplacedSeq = useSessionStore((s) => s.rulesReplacedSeq);
  const imageSeq = useSessionStore((s) => s.imageSeq);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.lintRules({ text }).then(
        (lint) => {
          if (live) useRulesStore.getState().setLint(text, lint);
        },
        () => undefined,
      );
    }, LINT_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, text]);

  useEffect(() => {
    void loadSessionRules(api);
  }, [api, imageSeq]);

  useEffect(() => {
    if (rulesReplacedSeq === 0) return;
    if (ownApplies > 0) {
      ownApplies--;
      return;
    }
    const { text: current, appliedText } = useRulesStore.getState();
    if (appliedText === null || current === appliedText) void loadSessionRules(api);
  }, [api, rulesReplacedSeq]);
}

/** Apply the editor's text to the session: for the toolbar button and Ctrl/Cmd+S. */
export function useApplyRules(): (resetState?: boolean) => Promise<boolean> {
  const api = useApi();
  return useCallback((resetState = false) => applyRuleText(api, resetState), [api]);
}
