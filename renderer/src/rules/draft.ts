// What of the editor's text the session keeps as an unapplied draft. Pure.

/** The text to keep as a draft: the editor's text while it differs from what the session runs (null: none). */
export function draftOf(text: string, appliedText: string | null): string | null {
  const modified = appliedText === null ? text.trim() !== '' : text !== appliedText;
  return modified ? text : null;
}
