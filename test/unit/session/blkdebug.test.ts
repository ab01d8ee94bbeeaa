import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeBlockHost } from '../../../src/host/node-block-host';
import { Session } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { collect, mask, realEnv, waitFor } from './helpers';

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function openBlkdebug(spec: { filename: string; format?: string } = { filename: 'blkdebug::d.raw', format: 'raw' }) {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  const s = await Session.open(host, spec, realEnv());
  sessions.push(s);
  return s;
}

const RULES = '[set-state]\nevent = "write_aio"\nnew_state = "2"\n\n[inject-error]\nevent = "read_aio"\nstate = "2"\nerrno = "5"\n';

describe('Session with a blkdebug graph', () => {
  it('describes the graph: raw over blkdebug over file', async () => {
    const s = await openBlkdebug();
    const snap = s.snapshot();
    expect(snap.image?.root).toMatchObject({ driver: 'raw', children: [{ name: 'file', node: { driver: 'blkdebug', children: [{ name: 'image', node: { driver: 'file', filename: 'd.raw' } }] } }] });
    expect(snap.blkdebug).toEqual([{ node: snap.image!.root.children[0].node.name, state: 1, rules: [], activeRuleIds: [], suspended: [], spent: [] }]);
  });

  it('exports the live rules as a rule file that loads back unchanged', async () => {
    const s = await openBlkdebug();
    expect(s.applyRules(undefined, RULES)).toEqual([]);
    const text = s.exportRules();
    expect(text).toBe('[inject-error]\nevent = "read_aio"\nstate = "2"\n\n[set-state]\nevent = "write_aio"\nnew_state = "2"\n');
    expect(s.applyRules(undefined, text)).toEqual([]);
    expect(s.exportRules()).toBe(text);
  });

  it('opens json: filenames too', async () => {
    const s = await openBlkdebug({ filename: 'json:{"driver":"raw","file":{"driver":"blkdebug","image":{"driver":"file","filename":"d.raw"}}}' });
    expect(s.snapshot().blkdebug).toHaveLength(1);
  });

  it('applies rules live, and the state machine and hit counts show in the snapshot and events', async () => {
    const s = await openBlkdebug();
    const events = collect(s);
    expect(s.applyRules(undefined, RULES)).toEqual([]);
    expect((await s.run('read 0 512')).rc).toBe(0);
    expect((await s.run('write 0 512')).rc).toBe(0);
    expect(await s.run('read 0 512')).toEqual({ stdout: 'read failed: Input/output error\n', stderr: '', rc: -5 });
    const [bd] = s.snapshot().blkdebug;
    expect(bd.state).toBe(2);
    expect(bd.rules).toEqual([
      { id: expect.any(Number), kind: 'inject-error', event: 'read_aio', state: 2, hits: 1, source: { origin: 'config', line: 5 }, errno: 5, offset: -1, once: false, immediately: false, iotypes: ['read', 'write', 'write-zeroes', 'discard', 'flush'], injected: 1 },
      { id: expect.any(Number), kind: 'set-state', event: 'write_aio', state: 0, hits: 1, source: { origin: 'config', line: 1 }, newState: 2 },
    ]);
    expect(bd.activeRuleIds).toEqual([bd.rules[0].id]);
    s.flushEvents();
    const types = events.events().map((e) => e.type);
    expect(types).toContain('rules-replaced');
    expect(events.events()).toContainEqual(expect.objectContaining({ type: 'state-changed', from: 1, to: 2, node: bd.node }));
    expect(events.events()).toContainEqual(expect.objectContaining({ type: 'error-injected', errno: 5, iotype: 'read', offset: 0, bytes: 512 }));
    expect(events.events()).toContainEqual(expect.objectContaining({ type: 'request-done', op: 'read', errno: 5 }));
    expect(JSON.parse(JSON.stringify(events.batches))).toEqual(events.batches);
  });

  it('reports breakpoints set and removed, from the API and from qemu-io, on the event stream', async () => {
    const s = await openBlkdebug();
    const events = collect(s);
    s.addBreakpoint('write_aio', 'A');
    await s.run('break read_aio B');
    s.removeBreakpoint('A');
    s.flushEvents();
    const node = s.snapshot().blkdebug[0].node;
    expect(events.events().filter((e) => e.type === 'breakpoints-changed')).toEqual([
      { type: 'breakpoints-changed', at: expect.any(Number), node, tag: 'A' },
      { type: 'breakpoints-changed', at: expect.any(Number), node, tag: 'B' },
      { type: 'breakpoints-changed', at: expect.any(Number), node, tag: 'A' },
    ]);
  });

  it('returns diagnostics for bad rule text and changes nothing', async () => {
    const s = await openBlkdebug();
    s.applyRules(undefined, RULES);
    await s.run('write 0 512');
    const before = s.snapshot().blkdebug;
    const diags = s.applyRules(undefined, '[inject-error]\nevent = "no_such_event"\n[set-state]\nevent = "read_aio"\nnew_state = "x"\n', { resetState: true });
    expect(diags.length).toBeGreaterThan(0);
    for (const d of diags) expect(d).toEqual({ message: expect.any(String), line: expect.any(Number), column: expect.any(Number), endColumn: expect.any(Number) });
    expect(diags.map((d) => d.line)).toContain(2);
    expect(s.snapshot().blkdebug).toEqual(before);
    expect(() => s.applyRules('no-such-node', RULES)).toThrow(expect.objectContaining({ code: 'NO_BLKDEBUG' }));
  });

  it('parks an aio_write at a breakpoint, shows it in the snapshot, and resumes it', async () => {
    const s = await openBlkdebug();
    const events = collect(s);
    expect(await s.run('break write_aio A')).toEqual({ stdout: '', stderr: '', rc: 0 });
    expect(await s.run('aio_write -P 0x11 0 4k')).toEqual({ stdout: "blkdebug: Suspended request 'A'\n", stderr: '', rc: 0 });
    const snap = s.snapshot();
    expect(snap.blkdebug[0].suspended).toEqual([{ tag: 'A', event: 'write_aio', op: 'write', offset: 0, bytes: 4096, parkedMs: expect.any(Number) }]);
    expect(snap.inFlight).toContainEqual(expect.objectContaining({ node: snap.image!.root.name, op: 'write', offset: 0, bytes: 4096 }));
    // Other calls are not blocked by the parked request.
    expect(mask((await s.run('read -P 0 8k 4k')).stdout)).toBe('read 4096/4096 bytes at offset 8192\n4 KiB, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n');

    s.resume('A');
    await waitFor(() => events.console().includes('wrote 4096/4096'), 'the resumed write');
    expect(mask(events.console())).toBe("blkdebug: Resuming request 'A'\nwrote 4096/4096 bytes at offset 0\n4 KiB, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n");
    s.flushEvents();
    const kinds = events.events().map((e) => e.type);
    expect(kinds.indexOf('request-suspended')).toBeLessThan(kinds.indexOf('request-resumed'));
    expect(s.snapshot().blkdebug[0].suspended).toEqual([]);
    expect(s.snapshot().inFlight).toEqual([]);
    expect(() => s.resume('A')).toThrow(expect.objectContaining({ code: 'NO_SUCH_TAG' }));
  });

  it('resumes a synchronous write parked at a breakpoint; remove_break and resumeAll', async () => {
    const s = await openBlkdebug();
    s.addBreakpoint('write_aio', 'B');
    const write = s.run('write -P 0x22 0 512');
    await waitFor(() => s.snapshot().blkdebug[0].suspended.length === 1, 'the parked write');
    s.removeBreakpoint('B');
    const w = await write;
    expect(mask(w.stdout)).toBe("blkdebug: Suspended request 'B'\nblkdebug: Resuming request 'B'\nwrote 512/512 bytes at offset 0\n512 bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n");

    await s.run('break write_aio C');
    await s.run('break pwritev D');
    await s.run('aio_write 0 512');
    await s.run('aio_write 4k 512');
    expect(s.snapshot().blkdebug[0].suspended.map((r) => r.tag)).toContain('C');
    expect(s.resumeAll()).toBeGreaterThan(0);
    await waitFor(() => s.snapshot().inFlight.length === 0 && s.snapshot().blkdebug[0].suspended.length === 0, 'all requests done');
    expect(() => s.addBreakpoint('nope', 'X')).toThrow(expect.objectContaining({ code: 'BAD_EVENT' }));
  });

  it('close releases parked requests', async () => {
    const s = await openBlkdebug();
    await s.run('break write_aio A');
    await s.run('aio_write 0 512');
    await s.close();
    expect(s.isClosed).toBe(true);
  });

  it('opening another image or closing this one releases parked requests instead of hanging', async () => {
    const s = await openBlkdebug();
    await s.run('break write_aio A');
    expect((await s.run('aio_write 0 512')).stdout).toBe("blkdebug: Suspended request 'A'\n");
    const reopened = await s.openImage({ filename: 'blkdebug::d.raw', format: 'raw' });
    expect(reopened.stdout).toContain('wrote 512/512 bytes at offset 0');
    expect(s.snapshot().blkdebug[0]).toMatchObject({ rules: [], suspended: [] });
    await s.run('break write_aio B');
    await s.run('aio_write 0 512');
    expect((await s.closeImage()).stdout).toContain('wrote 512/512 bytes at offset 0');
    expect(s.snapshot().image).toBeNull();
  });
});

describe('Session with a blkdebug graph on real files', () => {
  it('parks and resumes an aio_write on a temp file (NodeBlockHost)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blkstudio-session-'));
    try {
      const file = path.join(dir, 'd.raw');
      fs.writeFileSync(file, Buffer.alloc(1 << 20));
      const s = await Session.open(new NodeBlockHost(), { filename: `blkdebug::${file}`, format: 'raw' }, realEnv());
      sessions.push(s);
      const events = collect(s);
      s.addBreakpoint('write_aio', 'A');
      expect((await s.run('aio_write -P 0x33 0 4k')).stdout).toBe("blkdebug: Suspended request 'A'\n");
      expect(s.snapshot().blkdebug[0].suspended).toMatchObject([{ tag: 'A', op: 'write', offset: 0, bytes: 4096 }]);
      s.resume('A');
      await waitFor(() => events.console().includes('wrote 4096/4096'), 'the resumed write');
      await s.close();
      expect(fs.readFileSync(file).subarray(0, 4096).every((b) => b === 0x33)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
