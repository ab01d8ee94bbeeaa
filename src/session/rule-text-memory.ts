// The rule text a session remembers: per blkdebug node, the text exactly as it was applied
// (comments, order and spacing kept, `once` rules that have fired and left the engine still in
// it), or the rule file the node was opened with; and the editor's unapplied text (one draft per
// session, whichever window wrote it last). The engine only knows rules, which exportRules turns
// back into a text of its own: a window that reloads must show what the user wrote.
import type { RulesTextDto } from '../api/dto';

interface AppliedText {
  text: string;
  origin: 'apply' | 'config-file';
}

export class RuleTextMemory {
  /** Keyed by the engine object, so a node of a newly opened image never inherits old text. */
  private readonly applied = new WeakMap<object, AppliedText>();
  private draft: { text: string; at: number } | null = null;

  /** The text just applied to `engine` (or read from the file it was opened with). */
  setApplied(engine: object, text: string, origin: AppliedText['origin'] = 'apply'): void {
    this.applied.set(engine, { text, origin });
    // The draft that was applied is no longer a draft.
    if (this.draft?.text === text) this.draft = null;
  }

  appliedOf(engine: object): AppliedText | null {
    return this.applied.get(engine) ?? null;
  }

  /** Keep the editor's unapplied text; null (or the applied text itself) drops it. */
  saveDraft(text: string | null, at: number, appliedText: string | null): void {
    this.draft = text === null || text === appliedText ? null : { text, at };
  }

  clearDraft(): void {
    this.draft = null;
  }

  describe(node: string | null, engine: object | null): RulesTextDto {
    const applied = engine ? this.appliedOf(engine) : null;
    return {
      node,
      applied: applied?.text ?? null,
      origin: applied?.origin ?? null,
      draft: this.draft?.text ?? null,
      draftAt: this.draft?.at ?? null,
    };
  }
}
