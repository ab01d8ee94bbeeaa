// The session as the memory of a debugging session: the rule text exactly as applied (or the
// rule file opened), the editor's unapplied draft, the console transcript and a ring of recent
// events, all for a window that connects later (a reload, a second window).
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/session/index';
import { EventHistory } from '../../../src/session/event-history';
import { Transcript } from '../../../src/session/transcript';
import type { EventBatch, SessionEvent } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { realEnv, waitFor } from './helpers';

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

/** Comments, blank lines first, odd spacing, set-state before inject-error, a `once` rule. */
const WRITTEN = `# fail the second write, once

[set-state]
event   =    "write_aio"
new_state = "2"
# then:


[inject-error]
event = "write_aio"
state = "2"
once = "on"
`;

async function openBlkdebug(host = new MemoryHost(), filename = 'blkdebug::d.raw') {
  if (!host.files.has('d.raw')) host.addFile('d.raw', 1 << 20);
  const s = await Session.open(host, { filename, format: 'raw' }, realEnv());
  sessions.push(s);
  return s;
}

const text = new TextEncoder();

describe('the rule text the session remembers', () => {
  it('is the applied text exactly, even after a once rule fired and left the engine', async () => {
    const s = await openBlkdebug();
    expect(s.rulesText()).toMatchObject({ applied: null, origin: null, draft: null });
    expect(s.applyRules(undefined, WRITTEN)).toEqual([]);
    expect(s.rulesText()).toMatchObject({ node: expect.any(String), applied: WRITTEN, origin: 'apply', draft: null });
    // The rules' lines are the lines of that text (1-based, comments and blanks counted).
    const rules = s.snapshot().blkdebug[0]!.rules;
    expect(rules.map((r) => [r.kind, r.source.line])).toEqual([
      ['set-state', 3],
      ['inject-error', 9],
    ]);
    await s.run('write 0 512');
    const failed = await s.run('write 0 512');
    expect(failed.stdout + failed.stderr).toContain('Input/output error');
    expect(s.exportRules()).not.toContain('inject-error');
    expect(s.rulesText().applied).toBe(WRITTEN);
  });

  it('keeps what failed to apply out, and keeps the unapplied draft until it is applied', async () => {
    const s = await openBlkdebug();
    s.applyRules(undefined, WRITTEN);
    expect(s.applyRules(undefined, '[inject-error]\nevent = "nope"\n').length).toBeGreaterThan(0);
    expect(s.rulesText().applied).toBe(WRITTEN);
    s.saveRulesDraft(WRITTEN + '\n# more\n');
    expect(s.rulesText()).toMatchObject({ applied: WRITTEN, draft: WRITTEN + '\n# more\n', draftAt: expect.any(Number) });
    // Saving the applied text itself is no draft.
    s.saveRulesDraft(WRITTEN);
    expect(s.rulesText().draft).toBeNull();
    s.saveRulesDraft('[set-state]\nevent = "read_aio"\nnew_state = "3"\n');
    expect(s.applyRules(undefined, '[set-state]\nevent = "read_aio"\nnew_state = "3"\n')).toEqual([]);
    expect(s.rulesText()).toMatchObject({ applied: '[set-state]\nevent = "read_aio"\nnew_state = "3"\n', draft: null });
  });

  it('forgets the applied text when another image opens; the draft stays until cleared', async () => {
    const s = await openBlkdebug();
    s.applyRules(undefined, WRITTEN);
    s.saveRulesDraft('# half written');
    await s.openImage({ filename: 'blkdebug::d.raw', format: 'raw' });
    expect(s.rulesText()).toMatchObject({ applied: null, draft: '# half written' });
    s.clearMemory({ transcript: false, events: false });
    expect(s.rulesText().draft).toBeNull();
  });

  it('is the rule file a node was opened with, as written', async () => {
    const host = new MemoryHost();
    host.addFile('rules.cfg', text.encode(WRITTEN));
    const s = await openBlkdebug(host, 'blkdebug:rules.cfg:d.raw');
    expect(s.rulesText()).toMatchObject({ applied: WRITTEN, origin: 'config-file' });
  });

  it('has only a draft without a blkdebug node', async () => {
    const host = new MemoryHost();
    host.addFile('d.raw', 1 << 20);
    const s = await Session.open(host, { filename: 'd.raw', format: 'raw' }, realEnv());
    sessions.push(s);
    s.saveRulesDraft('# rules');
    expect(s.rulesText()).toEqual({ node: null, applied: null, origin: null, draft: '# rules', draftAt: expect.any(Number) });
    expect(() => s.rulesText('nope')).toThrow(/no blkdebug node named 'nope'/);
  });
});

describe('the console transcript', () => {
  it('holds each command, its output and the output between commands, in order', async () => {
    const s = await openBlkdebug();
    await s.run('write -P 0xab 0 4k');
    await s.run('nosuchcommand');
    await s.run('aio_read -P 0xab 0 4k');
    await waitFor(() => s.consoleTranscript().entries.some((e) => e.text.includes('read 4096/4096')), 'the aio completion');
    const t = s.consoleTranscript();
    expect(t.entries.map((e) => [e.kind, e.text.split('\n')[0]])).toEqual([
      ['input', 'write -P 0xab 0 4k'],
      ['stdout', 'wrote 4096/4096 bytes at offset 0'],
      ['input', 'nosuchcommand'],
      ['stderr', 'command "nosuchcommand" not found'],
      ['input', 'aio_read -P 0xab 0 4k'],
      ['stdout', 'read 4096/4096 bytes at offset 0'],
    ]);
    expect(t.entries.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.omitted).toBe(0);
    // The console event of the completion came in a batch the transcript says it holds.
    expect(t.batchSeq).toBeGreaterThan(0);
    s.clearMemory({ events: false, draft: false });
    expect(s.consoleTranscript()).toMatchObject({ entries: [], omitted: 6 });
  });

  it('drops the oldest entries past its caps, and keeps the end of one huge output', () => {
    const t = new Transcript({ maxEntries: 3, maxChars: 10 });
    t.add('input', 'a', 0);
    t.add('stdout', 'bb', 1);
    t.add('stdout', '', 1);
    t.add('input', 'c', 2);
    t.add('stdout', 'dd', 3);
    expect(t.list(0).entries.map((e) => e.text)).toEqual(['bb', 'c', 'dd']);
    expect(t.list(0).omitted).toBe(1);
    t.add('stdout', '0123456789xyz', 4);
    expect(t.list(0).entries.map((e) => e.text)).toEqual(['3456789xyz']);
    expect(t.list(0).omitted).toBe(4);
  });
});

function batch(seq: number, events: SessionEvent[]): EventBatch {
  return { seq, at: seq, events, summarized: false };
}
const ev = (at: number): SessionEvent => ({ type: 'debug-event', at, node: 'n', event: 'write_aio' });

describe('the event history', () => {
  it('is a bounded ring read in pages, without console output or diff and job progress', () => {
    const h = new EventHistory(5);
    h.record(batch(1, [ev(1), { type: 'console', at: 1, stream: 'stdout', text: 'x' }, ev(2)]));
    h.record(batch(2, [{ type: 'diff-done', at: 3, diffId: 1, status: 'complete', done: 1, total: 1, mismatchedBytes: 0 }, ev(3)]));
    expect(h.page()).toEqual({ events: [ev(1), ev(2), ev(3)], from: 1, to: 3, last: 3, dropped: 0, batchSeq: 2 });
    h.record(batch(3, [ev(4), ev(5), ev(6), ev(7)]));
    // The two oldest were overwritten.
    expect(h.page()).toMatchObject({ from: 3, to: 7, last: 7, dropped: 2, batchSeq: 3 });
    expect(h.page({ after: 4, limit: 2 })).toEqual({ events: [ev(5), ev(6)], from: 5, to: 6, last: 7, dropped: 0, batchSeq: 3 });
    expect(h.page({ after: 7 })).toMatchObject({ events: [], to: 7, dropped: 0 });
    h.clear();
    expect(h.page()).toMatchObject({ events: [], last: 7, dropped: 7 });
    const window = { aNode: 'r', bNode: 't', offset: 0, bytes: 512, a: 'AA==', b: 'AQ==', aErrno: 0, bErrno: 0 };
    const mismatch: SessionEvent = { type: 'verify-mismatch', at: 9, mismatch: { node: 'v', id: 1, kind: 'contents', op: 'read', offset: 0, bytes: 512, firstMismatch: 0, testErrno: 0, rawErrno: 0, message: 'm', sectors: [{ offset: 0, bytes: 512 }], window } };
    h.record(batch(5, [mismatch]));
    expect(h.page({ after: 7 }).events).toEqual([{ ...mismatch, mismatch: { ...mismatch.mismatch, window: null } }]);
    h.clear();
    expect(h.page({ after: 8 })).toMatchObject({ events: [], last: 8, dropped: 0 });
    h.record(batch(6, [ev(10)]));
    expect(h.page({ after: 8 })).toMatchObject({ events: [ev(10)], from: 9, to: 9 });
  });

  it('holds what a session delivered, also while no window listens', async () => {
    const s = await openBlkdebug();
    s.applyRules(undefined, WRITTEN);
    await s.run('write 0 512');
    await s.run('write 0 512');
    s.flushEvents();
    const page = s.eventHistory();
    const types = page.events.map((e) => e.type);
    expect(types).toContain('graph-changed');
    expect(types).toContain('rules-replaced');
    expect(types).toContain('request-done');
    expect(types).toContain('state-changed');
    expect(types).toContain('error-injected');
    expect(types).not.toContain('console');
    expect(page.to).toBe(page.last);
    expect(page.batchSeq).toBeGreaterThan(0);
    const injected = page.events.find((e) => e.type === 'error-injected');
    expect(injected).toMatchObject({ errno: 5, iotype: 'write', offset: 0, bytes: 512 });
  });

  it('is capped as the session options say', async () => {
    const host = new MemoryHost();
    host.addFile('d.raw', 1 << 20);
    const s = await Session.open(host, { filename: 'blkdebug::d.raw', format: 'raw' }, { ...realEnv(), memory: { events: 10 } });
    sessions.push(s);
    for (let i = 0; i < 5; i++) await s.run(`write ${i * 512} 512`);
    s.flushEvents();
    const page = s.eventHistory();
    expect(page.events.length).toBe(10);
    expect(page.from).toBe(page.last - 9);
  });
});
