// Keeps the rule text in step with the engine: parses it (lintRules) shortly after each change,
// applies it on request, and loads the session's rule text at start and when something else (the
// console, the Electron menu, another window) replaces the rules while the editor holds nothing
// unapplied. The text shown is the one the session remembers as written and applied (comments,
// order and spacing kept), falling back to the engine's own rendering (exportRules). Unapplied
// edits are kept in the session too (debounced), so a reload or a second window gets them back.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BlkstudioApi, RulesTextDto } from '../../../src/api';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { draftOf } from './draft';
import { useRulesStore } from './rules-store';

/** How long typing must pause before the text is parsed again. */
export const LINT_DELAY_MS = 120;
/** How long typing must pause before the unapplied text is kept in the session. */
export const DRAFT_DELAY_MS = 300;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Applies made from this window whose rules-replaced event has not come back yet. */
let ownApplies = 0;

/** The draft this window last had the session keep (null: none). */
let savedDraft: string | null = null;

export async function applyRuleText(api: BlkstudioApi, resetState = false): Promise<boolean> {
  const { text, setApplied } = useRulesStore.getState();
  try {
    const diagnostics = await api.applyRules({ text, resetState });
    if (diagnostics.length > 0) {
      setApplied(null, diagnostics);
      return false;
    }
    ownApplies++;
    // The session dropped its draft of this text when it applied it.
    if (savedDraft === text) savedDraft = null;
    setApplied(text, []);
    return true;
  } catch (err) {
    setApplied(null, [], message(err));
    return false;
  }
}

/**
 * The session's rule text into the editor. `initial`: this window just connected, so an
 * unapplied draft the session keeps comes back (marked as such) instead of the applied text.
 */
async function loadSessionRules(api: BlkstudioApi, initial: boolean): Promise<void> {
  let memory: RulesTextDto | null = null;
  try {
    memory = await api.rulesText();
  } catch {
    // A host without the call: the engine's rendering below.
  }
  let applied = memory?.applied ?? null;
  if (applied === null) {
    try {
      applied = await api.exportRules();
    } catch {
      // No blkdebug node in the image: the editor keeps its text; Apply says why it cannot.
    }
  }
  const store = useRulesStore.getState();
  const draft = memory?.draft ?? null;
  if (initial && draft !== null && draft !== applied && store.text === (store.appliedText ?? '')) {
    store.replaceText(draft);
    if (applied !== null) store.setApplied(applied, []);
    savedDraft = draft;
    store.setDraft('kept', true);
    return;
  }
  // Never overwrite what the user typed and has not applied.
  if (applied === null || store.text !== (store.appliedText ?? '')) return;
  store.replaceText(applied);
  store.setApplied(applied, []);
}

/** Mount once (in App): linting, the initial load, reloads on outside changes, drafts kept. */
export function useRulesSync(): void {
  const api = useApi();
  const text = useRulesStore((s) => s.text);
  const appliedText = useRulesStore((s) => s.appliedText);
  const rulesReplacedSeq = useSessionStore((s) => s.rulesReplacedSeq);
  const imageSeq = useSessionStore((s) => s.imageSeq);
  /** The session's text has been loaded once: from then on edits are kept as drafts. */
  const [loaded, setLoaded] = useState(false);

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

  /** Whether the first load (when this window connected) has run. */
  const initialDone = useRef(false);
  useEffect(() => {
    let live = true;
    const initial = !initialDone.current;
    initialDone.current = true;
    void loadSessionRules(api, initial).finally(() => {
      if (live) setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [api, imageSeq]);

  useEffect(() => {
    if (rulesReplacedSeq === 0) return;
    if (ownApplies > 0) {
      ownApplies--;
      return;
    }
    const { text: current, appliedText: applied } = useRulesStore.getState();
    if (applied === null || current === applied) void loadSessionRules(api, false);
  }, [api, rulesReplacedSeq]);

  // The unapplied text goes to the session shortly after typing pauses.
  useEffect(() => {
    if (!loaded) return;
    const want = draftOf(text, appliedText);
    const { setDraft } = useRulesStore.getState();
    if (want === savedDraft) {
      setDraft(want === null ? 'none' : 'kept');
      return;
    }
    setDraft(want === null ? 'none' : 'saving');
    let live = true;
    const timer = setTimeout(() => {
      api.saveRulesDraft({ text: want }).then(
        () => {
          savedDraft = want;
          if (live) useRulesStore.getState().setDraft(want === null ? 'none' : 'kept');
        },
        () => undefined,
      );
    }, DRAFT_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, text, appliedText, loaded]);

  // Leaving with an edit the session does not have yet: send it, and ask before it may be lost.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      const { text: current, appliedText: applied } = useRulesStore.getState();
      const want = draftOf(current, applied);
      if (want === savedDraft) return;
      api.saveRulesDraft({ text: want }).catch(() => undefined);
      if (want !== null) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [api]);
}

/** Apply the editor's text to the session: for the toolbar button and Ctrl/Cmd+S. */
export function useApplyRules(): (resetState?: boolean) => Promise<boolean> {
  const api = useApi();
  return useCallback((resetState = false) => applyRuleText(api, resetState), [api]);
}
