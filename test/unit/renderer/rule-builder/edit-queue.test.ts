import { beforeEach, describe, expect, it } from 'vitest';
import { createEditQueue } from '../../../../renderer/src/rule-builder/edit-queue';
import { addSection, setAttribute } from '../../../../renderer/src/rule-builder/rule-text';
import { useRulesStore } from '../../../../renderer/src/rules/rules-store';
import type { TextEdit } from '../../../../renderer/src/rules/text-edits';
import { outlineRuleFile } from '../../../../src/block/drivers/blkdebug';
import type { RuleLint } from '../../../../src/api';

function lintOf(text: string): RuleLint {
  const { diagnostics, sections } = outlineRuleFile(text);
  return {
    diagnostics,
    sections: sections.map((s) => ({ group: s.group, line: s.line, options: s.options.map((o) => ({ ...o, valueEndColumn: o.valueColumn + o.value.length })) })),
  };
}

/** What use-rules does after each change: parse the store's text. */
const parse = () => {
  const { text, setLint } = useRulesStore.getState();
  setLint(text, lintOf(text));
};

const TEXT = '# keep\n[inject-error]\nevent = "write_aio"\n';

beforeEach(() => {
  useRulesStore.setState({ text: TEXT, lint: null, lintedText: null, editListener: null, selectedLine: null });
});

describe('createEditQueue', () => {
  it('waits for the parse of the current text before editing', () => {
    const q = createEditQueue();
    q.enqueue((t, l) => setAttribute(t, l, 2, 'state', '2'));
    expect(q.pending()).toBe(1);
    expect(useRulesStore.getState().text).toBe(TEXT);
    parse();
    expect(q.pending()).toBe(0);
    expect(useRulesStore.getState().text).toBe('# keep\n[inject-error]\nevent = "write_aio"\nstate = "2"\n');
  });

  it('runs queued changes one parse after another, never on stale positions', () => {
    const q = createEditQueue();
    parse();
    q.enqueue((t, l) => setAttribute(t, l, 2, 'state', '2'));
    q.enqueue((t, l) => setAttribute(t, l, 2, 'errno', '28'));
    q.enqueue((t, l) => setAttribute(t, l, 2, 'state', '3'));
    expect(q.pending()).toBe(2);
    parse();
    expect(q.pending()).toBe(1);
    parse();
    expect(q.pending()).toBe(0);
    expect(useRulesStore.getState().text).toBe('# keep\n[inject-error]\nevent = "write_aio"\nstate = "3"\nerrno = "28"\n');
  });

  it('waits for an editor that applies edits later, and selects after the edit', () => {
    const replayed: TextEdit[][] = [];
    useRulesStore.setState({ editListener: (e) => void replayed.push([...e]) });
    const q = createEditQueue();
    parse();
    q.enqueue((t, l) => {
      const { edits, headerLine } = addSection(t, l, 'set-state', { event: 'read_aio', new_state: '2' });
      return { edits, select: headerLine };
    });
    q.enqueue((t, l) => setAttribute(t, l, 2, 'once', 'on'));
    expect(replayed).toHaveLength(1);
    expect(useRulesStore.getState().selectedLine).toBe(5);
    // The lint of the unchanged text arrives again: still waiting for the editor.
    parse();
    expect(replayed).toHaveLength(1);
    const { setText } = useRulesStore.getState();
    setText(`${TEXT}\n[set-state]\nevent = "read_aio"\nnew_state = "2"\n`);
    expect(replayed).toHaveLength(1);
    parse();
    expect(replayed).toHaveLength(2);
    expect(replayed[1]).toEqual([{ startLine: 3, startColumn: 20, endLine: 3, endColumn: 20, text: '\nonce = "on"' }]);
  });

  it('drops a change whose section is gone', () => {
    const q = createEditQueue();
    q.enqueue((t, l) => setAttribute(t, l, 9, 'state', '2'));
    q.enqueue((t, l) => setAttribute(t, l, 2, 'state', '4'));
    parse();
    expect(q.pending()).toBe(0);
    expect(useRulesStore.getState().text).toContain('state = "4"');
  });

  it('tells its own selections from the user\'s', () => {
    const q = createEditQueue();
    parse();
    const before = useRulesStore.getState().selectionSeq;
    q.enqueue(() => ({ edits: [], select: 2 }));
    expect(q.ownSelectionSeq()).toBe(before + 1);
    expect(q.userSelectedSince(before)).toBe(false);
    useRulesStore.getState().select(null);
    expect(q.userSelectedSince(before)).toBe(true);
    expect(q.userSelectedSince(before + 2)).toBe(false);
  });
});
