// The demo workspace's calls over both transports: the run lives in the session (the snapshot
// carries it and every client is told when it moves on), steps run verified, and a reset plants
// the workspace afresh. Sessions without a workspace and bad payloads get error DTOs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSnapshot, WorkspaceInfo, WorkspaceStepRun } from '../../src/api';
import { openAppSession, openNodeSession } from '../../src/host/node-session';
import { TRANSPORTS, useContractClient, waitFor } from './transports';

describe.each(TRANSPORTS)('the workspace API over %s', (_name, transport) => {
  const ctx = useContractClient(transport, () => openAppSession());
  const value = <T>(method: string, ...args: unknown[]): Promise<T> => ctx.value<T>(method, ...args);

  it('runs the steps verified, shows the run in the snapshot and tells every client it moved on', async () => {
    expect((await value<SessionSnapshot>('snapshot')).workspace!.progress).toMatchObject({ run: 1, autoRun: true });
    const runs = await value<WorkspaceStepRun[]>('runWorkspaceSteps');
    expect(runs.map((r) => r.result.state)).toEqual(Array(7).fill('done'));
    expect(runs[1]!.stderr).toContain('contents mismatch at offset 1049606');
    const snap = await value<SessionSnapshot>('snapshot');
    expect(snap.workspace!.progress!.steps.map((s) => s.state)).toEqual(Array(7).fill('done'));
    await waitFor(() => ctx.client.batches.some((b) => b.events.some((e) => e.type === 'workspace-changed')), 'workspace-changed');

    const ws = await value<WorkspaceInfo>('resetWorkspace');
    expect(ws.progress).toEqual({ run: 2, autoRun: false, steps: Array(7).fill({ state: 'pending' }) });
    expect((await value<WorkspaceStepRun[]>('runWorkspaceStep', { index: 4 })).map((r) => [r.index, r.result.state])).toEqual([
      [3, 'done'],
      [4, 'done'],
    ]);
    ctx.session.resumeAll();
  });

  it('refuses bad payloads', async () => {
    expect(await ctx.client.call('resetWorkspace', {})).toEqual({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'resetWorkspace takes no arguments, got 1' } });
    expect(await ctx.client.call('runWorkspaceSteps', 1)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('runWorkspaceStep', { index: -1 })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('runWorkspaceStep', { index: 1, evil: true })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('runWorkspaceStep', { index: 7 })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'the workspace has no step 8' } });
  });
});

describe.each(TRANSPORTS)('a session without a workspace over %s', (_name, transport) => {
  it('has none to reset or run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blkstudio-contract-'));
    const session = await openNodeSession();
    const client = await transport(session, dir);
    try {
      expect(await client.call('resetWorkspace')).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'this session has no workspace to reset' } });
      expect(await client.call('runWorkspaceSteps')).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'this session has no workspace' } });
    } finally {
      await client.close();
      await session.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
