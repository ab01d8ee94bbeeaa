// One contract suite, run against both transports: whatever the UI can do over Electron IPC it
// can do over the WebSocket host, with the same answers and the same error DTOs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppInfo, ImageCheck, RuleDiagnostic, RuleLint, RunResult, SessionSnapshot } from '../../src/api';
import { openNodeSession } from '../../src/host/node-session';
import type { Session } from '../../src/session/index';
import { callValue, TRANSPORTS, waitFor, type ContractClient } from './transports';

describe.each(TRANSPORTS)('the session API over %s', (_name, transport) => {
  let dir: string;
  let image: string;
  let session: Session;
  let client: ContractClient;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blkstudio-contract-'));
    image = join(dir, 'disk.raw');
    writeFileSync(image, Buffer.alloc(1024 * 1024));
    session = await openNodeSession();
    client = await transport(session, dir);
  });

  afterEach(async () => {
    await client.close();
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const value = <T>(method: string, ...args: unknown[]): Promise<T> => callValue<T>(client, method, ...args);

  it('answers appInfo', async () => {
    expect(await value('appInfo')).toMatchObject({ name: 'blkstudio', version: '0.0.0-test' });
  });

  it('opens an image, writes and reads it back with qemu-io’s report lines', async () => {
    expect(await value<RunResult>('openImage', { filename: image, format: 'raw' })).toMatchObject({ rc: 0, stderr: '' });
    const wrote = await value<RunResult>('run', 'write -P 0xab 0 4k');
    expect(wrote.rc).toBe(0);
    expect(wrote.stdout.split('\n')[0]).toBe('wrote 4096/4096 bytes at offset 0');
    expect(wrote.stdout.split('\n')[1]).toMatch(/^4 KiB, 1 ops; /);
    const read = await value<RunResult>('run', 'read -P 0xab 0 4k');
    expect(read.rc).toBe(0);
    expect(read.stdout.split('\n')[0]).toBe('read 4096/4096 bytes at offset 0');
    const mismatch = await value<RunResult>('run', 'read -P 0xcd 0 512');
    expect(mismatch.stdout).toContain('Pattern verification failed at offset 0, 512 bytes');
    expect(await value<RunResult>('closeImage')).toMatchObject({ rc: 0 });
    expect((await value<SessionSnapshot>('snapshot')).image).toBeNull();
  });

  it('returns a snapshot of the node tree', async () => {
    await value('openImage', { filename: image, format: 'raw' });
    const snap = await value<SessionSnapshot>('snapshot');
    expect(snap.image).toMatchObject({ format: 'raw', readOnly: false, root: { driver: 'raw', length: 1024 * 1024 } });
    expect(snap.image!.root.children[0]).toMatchObject({ name: 'file', node: { driver: 'file', filename: image } });
    expect(snap.blkdebug).toEqual([]);
    expect(snap.inFlight).toEqual([]);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });

  it('applies rules to a blkdebug node and reports a bad rule with line and column', async () => {
    const rules = join(dir, 'rules.cfg');
    writeFileSync(rules, '[set-state]\nstate = "1"\nevent = "write_aio"\nnew_state = "2"\n');
    await value('openImage', { filename: `blkdebug:${rules}:${image}`, format: 'raw' });
    const good = await value<RuleDiagnostic[]>('applyRules', { text: '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' });
    expect(good).toEqual([]);
    const bad = await value<RuleDiagnostic[]>('applyRules', { text: '[inject-error]\nevent = "no_such_event"\n' });
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatchObject({ line: 2, column: expect.any(Number), message: expect.any(String) });
    const snap = await value<SessionSnapshot>('snapshot');
    expect(snap.blkdebug).toHaveLength(1);
    expect(snap.blkdebug[0]!.rules.map((r) => r.kind)).toEqual(['inject-error']);
    const failed = await value<RunResult>('run', 'read 0 512');
    expect(failed.stdout).toBe('read failed: Input/output error\n');
  });

  it('parses rule text for an editor: every problem and the sections with positions', async () => {
    const lint = await value<RuleLint>('lintRules', { text: '# two rules\n[set-state]\nevent = "write_aio"\nnew_state = "2"\n\n[inject-error]\nevent = "wirte_aio"\n' });
    expect(lint.diagnostics).toEqual([{ message: 'invalid parameter value: wirte_aio', line: 7, column: 10, endColumn: 19 }]);
    expect(lint.sections.map((s) => [s.group, s.line])).toEqual([
      ['set-state', 2],
      ['inject-error', 6],
    ]);
    expect(lint.sections[0]!.options[1]).toEqual({ key: 'new_state', value: '2', line: 4, keyColumn: 1, valueColumn: 14, valueEndColumn: 15 });
  });

  it('sets breakpoints, exports the loaded rules and lists qemu-io commands in appInfo', async () => {
    const info = await value<AppInfo>('appInfo');
    expect(info.engine.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['aio_write', 'break', 'resume', 'write']));
    expect(info.engine.commands.find((c) => c.name === 'write')).toMatchObject({ args: expect.stringContaining('off len'), oneline: expect.any(String) });
    const rules = '[inject-error]\nevent = "read_aio"\nerrno = "28"\n';
    expect(await value('applyRules', { text: rules })).toEqual([]);
    expect(await value<string>('exportRules')).toBe(rules);
    expect(await value('setBreakpoint', { event: 'write_aio', tag: 'A' })).toBeNull();
    const parked = await value<RunResult>('run', 'aio_write 0 512');
    expect(parked.stdout).toBe('blkdebug: Suspended request \'A\'\n');
    const snap = await value<SessionSnapshot>('snapshot');
    expect(snap.blkdebug[0]!.suspended).toMatchObject([{ tag: 'A', event: 'write_aio', op: 'write', offset: 0, bytes: 512 }]);
    expect(await value('resume', { tag: 'A' })).toBeNull();
    await waitFor(() => client.batches.some((b) => b.events.some((e) => e.type === 'console' && e.text.includes('wrote 512/512'))), 'the resumed write');
  });

  it('pushes event batches for the requests a command makes', async () => {
    await value('openImage', { filename: image, format: 'raw' });
    await value('run', 'write 0 512');
    await waitFor(() => client.batches.some((b) => b.events.some((e) => e.type === 'request-done' && e.op === 'write')), 'a write request-done event');
    const batch = client.batches.at(-1)!;
    expect(batch.seq).toBeGreaterThan(0);
    expect(typeof batch.summarized).toBe('boolean');
  });

  it('checks an open qcow2 image: clean after writes, then a leaked cluster by number', async () => {
    const qcow2 = join(dir, 'disk.qcow2');
    const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '16M'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    await value('openImage', { filename: qcow2 });
    expect((await value<RunResult>('run', 'write -P 7 0 192k')).rc).toBe(0);
    const clean = await value<ImageCheck>('checkImage');
    expect(clean).toMatchObject({ corruptions: 0, leaks: 0, checkErrors: 0, mismatches: [], allocatedClusters: 3, totalClusters: 256 });
    await value('closeImage');
    // Refcount of cluster 0 (the header) raised from 1 to 2 in the first refcount block (cluster 2).
    const bytes = readFileSync(qcow2);
    bytes.writeUInt16BE(2, 2 * 65536);
    writeFileSync(qcow2, bytes);
    await value('openImage', { filename: qcow2 });
    const leaky = await value<ImageCheck>('checkImage');
    expect(leaky).toMatchObject({ corruptions: 0, leaks: 1, mismatches: [{ cluster: 0, refcount: 2, reference: 1, kind: 'leak' }] });
    expect(leaky.messages).toContain('Leaked cluster 0 refcount=2 reference=1');
    expect(await client.call('checkImage', { node: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_QCOW2' } });
  });

  it('answers invalid payloads, unknown calls and session errors with an error DTO', async () => {
    expect(await client.call('run', 42)).toEqual({ ok: false, error: { code: 'BAD_PAYLOAD', message: expect.stringContaining('run') } });
    expect(await client.call('run')).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await client.call('openImage', { filename: image, evil: true })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await client.call('snapshot', 'x')).toEqual({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'snapshot takes no arguments, got 1' } });
    expect(await client.call('resume', { tag: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_TAG' } });
    expect(await client.call('setBreakpoint', { event: 'no_such_event', tag: 'a' })).toMatchObject({ ok: false, error: { code: 'BAD_EVENT' } });
    expect(await client.call('lintRules', { text: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    await value('openImage', { filename: image, format: 'raw' });
    expect(await client.call('resume', { tag: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_BLKDEBUG' } });
    expect(await client.call('exportRules')).toMatchObject({ ok: false, error: { code: 'NO_BLKDEBUG' } });
    expect(await client.call('openImage', { filename: join(dir, 'missing.raw'), format: 'raw' })).toMatchObject({
      ok: false,
      error: { code: 'OPEN_FAILED', message: expect.stringContaining('missing.raw') },
    });
    expect(await value<number>('resumeAll')).toBe(0);
  });
});
