import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandlers, RuleDiagnostic, RunResult } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { openNodeSession } from '../../../src/host/node-session';
import { createShellActions, formatDiagnostics, IMAGE_FILTERS, RULE_FILTERS, type Dialogs, type ShellDeps } from '../../../main/actions';

function setup(overrides: { open?: (string | null)[]; save?: (string | null)[]; files?: Record<string, string>; handlers?: Partial<ApiHandlers> } = {}) {
  const opens = [...(overrides.open ?? [])];
  const saves = [...(overrides.save ?? [])];
  const files = new Map(Object.entries(overrides.files ?? {}));
  const dialogs = {
    open: vi.fn<Dialogs['open']>(async () => opens.shift() ?? null),
    save: vi.fn<Dialogs['save']>(async () => saves.shift() ?? null),
    message: vi.fn<Dialogs['message']>(async () => undefined),
  };
  let recent: string[] = [];
  const log = vi.fn<ShellDeps['log']>();
  const handlers = {
    openImage: vi.fn(async (): Promise<RunResult> => ({ stdout: '', stderr: '', rc: 0 })),
    applyRules: vi.fn(async (): Promise<RuleDiagnostic[]> => []),
    ...overrides.handlers,
  } as unknown as ApiHandlers;
  const deps: ShellDeps = {
    dialogs,
    files: {
      read: async (p) => {
        const text = files.get(p);
        if (text === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
        return text;
      },
      write: async (p, text) => void files.set(p, text),
    },
    handlers,
    recent: {
      list: () => recent,
      add: (p) => (recent = [p, ...recent.filter((r) => r !== p)]),
      clear: () => (recent = []),
    },
    refreshMenu: vi.fn(),
    log,
    app: { name: 'blkstudio', version: '1.2.3' },
    quit: vi.fn(),
  };
  const actions = createShellActions(deps);
  return { actions, deps, dialogs, files, handlers, log, recent: () => recent };
}

/** Menu actions are fire-and-forget; wait until the async work settles. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('shell actions', () => {
  it('Open Image… opens the chosen file through the openImage handler, remembers it and rebuilds the menu', async () => {
    const t = setup({ open: ['/img/a.raw'] });
    t.actions.openImage();
    await settle();
    expect(t.dialogs.open).toHaveBeenCalledWith({ title: 'Open Image', filters: IMAGE_FILTERS });
    expect(t.handlers.openImage).toHaveBeenCalledWith({ filename: '/img/a.raw' });
    expect(t.recent()).toEqual(['/img/a.raw']);
    expect(t.deps.refreshMenu).toHaveBeenCalledOnce();
    expect(t.dialogs.message).not.toHaveBeenCalled();
  });

  it('does nothing when the open dialog is cancelled', async () => {
    const t = setup({ open: [null] });
    t.actions.openImage();
    await settle();
    expect(t.handlers.openImage).not.toHaveBeenCalled();
    expect(t.deps.refreshMenu).not.toHaveBeenCalled();
  });

  it('reports an image that does not open, and does not add it to the recent list', async () => {
    const t = setup({ handlers: { openImage: async () => ({ stdout: '', stderr: "qemu-io: can't open device /nope\n", rc: -2 }) } });
    await expect(t.actions.openImagePath('/nope')).resolves.toBe(false);
    expect(t.dialogs.message).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', title: 'Open Image', message: "qemu-io: can't open device /nope" }));
    expect(t.recent()).toEqual([]);
    expect(t.log).toHaveBeenCalledWith('stderr', "qemu-io: can't open device /nope\n");
  });

  it('reports a handler that throws (as an error DTO through dispatch)', async () => {
    const t = setup({
      handlers: {
        openImage: async () => {
          throw new Error('boom');
        },
      },
    });
    await expect(t.actions.openImagePath('/img/x')).resolves.toBe(false);
    expect(t.dialogs.message).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', message: expect.stringContaining('boom') }));
  });

  it('Open Recent opens that path', async () => {
    const t = setup();
    t.actions.openRecent('/img/r.qcow2');
    await settle();
    expect(t.handlers.openImage).toHaveBeenCalledWith({ filename: '/img/r.qcow2' });
    expect(t.recent()).toEqual(['/img/r.qcow2']);
  });

  it('Clear Recent empties the list and rebuilds the menu', async () => {
    const t = setup();
    await t.actions.openImagePath('/img/a');
    t.actions.clearRecent();
    expect(t.recent()).toEqual([]);
    expect(t.deps.refreshMenu).toHaveBeenCalledTimes(2);
  });

  it('Open Rules… reads the file in main and applies its text through applyRules', async () => {
    const t = setup({ open: ['/r/ok.cfg'], files: { '/r/ok.cfg': '[inject-error]\nevent = "read_aio"\n' } });
    t.actions.openRules();
    await settle();
    expect(t.dialogs.open).toHaveBeenCalledWith({ title: 'Open Rules', filters: RULE_FILTERS });
    expect(t.handlers.applyRules).toHaveBeenCalledWith({ text: '[inject-error]\nevent = "read_aio"\n' });
    expect(t.log).toHaveBeenCalledWith('stdout', 'rules applied from /r/ok.cfg');
    expect(t.actions.rulesText()).toBe('[inject-error]\nevent = "read_aio"\n');
  });

  it('Open Rules… reports diagnostics with line and column', async () => {
    const diagnostics: RuleDiagnostic[] = [{ message: 'unknown option "evnt"', line: 2, column: 1, endColumn: 5 }];
    const t = setup({ open: ['/r/bad.cfg'], files: { '/r/bad.cfg': '[inject-error]\nevnt = "x"\n' }, handlers: { applyRules: async () => diagnostics } });
    t.actions.openRules();
    await settle();
    const listing = '/r/bad.cfg:2:1: unknown option "evnt"';
    expect(formatDiagnostics('/r/bad.cfg', diagnostics)).toBe(listing);
    expect(t.log).toHaveBeenCalledWith('stderr', listing);
    expect(t.dialogs.message).toHaveBeenCalledWith({ type: 'warning', title: 'Open Rules', message: '1 problem(s) in /r/bad.cfg', detail: listing });
  });

  it('Open Rules… reports an unreadable file and a refused apply', async () => {
    const t = setup({
      open: ['/r/missing.cfg', '/r/x.cfg'],
      files: { '/r/x.cfg': 'x' },
      handlers: {
        applyRules: vi.fn(async (): Promise<RuleDiagnostic[]> => {
          throw new Error('no blkdebug node');
        }),
      },
    });
    t.actions.openRules();
    await settle();
    expect(t.dialogs.message).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'error', message: expect.stringContaining('ENOENT') }));
    expect(t.handlers.applyRules).not.toHaveBeenCalled();
    t.actions.openRules();
    await settle();
    expect(t.dialogs.message).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'error', message: expect.stringContaining('no blkdebug node') }));
    expect(t.actions.rulesText()).toBeNull();
  });

  it('Save Rules… writes the rule text last opened to the chosen file', async () => {
    const t = setup({ open: ['/r/a.cfg'], save: ['/r/copy.cfg'], files: { '/r/a.cfg': 'rules text' } });
    t.actions.saveRules();
    await settle();
    expect(t.dialogs.save).not.toHaveBeenCalled();
    expect(t.dialogs.message).toHaveBeenCalledWith(expect.objectContaining({ type: 'info', title: 'Save Rules' }));

    t.actions.openRules();
    await settle();
    t.actions.saveRules();
    await settle();
    expect(t.dialogs.save).toHaveBeenCalledWith({ title: 'Save Rules', defaultPath: '/r/a.cfg', filters: RULE_FILTERS });
    expect(t.files.get('/r/copy.cfg')).toBe('rules text');
    expect(t.log).toHaveBeenCalledWith('stdout', 'rules saved to /r/copy.cfg');
  });

  it('Save Rules… writes the rules loaded in the session when it has a blkdebug node', async () => {
    const t = setup({ save: ['/r/live.cfg'] });
    t.deps.exportRules = () => '[inject-error]\nevent = "read_aio"\n';
    t.actions.saveRules();
    await settle();
    expect(t.files.get('/r/live.cfg')).toBe('[inject-error]\nevent = "read_aio"\n');
  });

  it('Save Rules… does not write when the save dialog is cancelled', async () => {
    const t = setup({ open: ['/r/a.cfg'], save: [null], files: { '/r/a.cfg': 'rules text' } });
    t.actions.openRules();
    await settle();
    t.actions.saveRules();
    await settle();
    expect([...t.files.keys()]).toEqual(['/r/a.cfg']);
  });

  it('Quit quits; About and Documentation show dialogs (no external URL is opened)', async () => {
    const t = setup();
    t.actions.quit();
    expect(t.deps.quit).toHaveBeenCalledOnce();
    t.actions.about();
    t.actions.documentation();
    await settle();
    expect(t.dialogs.message).toHaveBeenCalledWith(expect.objectContaining({ type: 'info', title: 'About blkstudio', message: 'blkstudio 1.2.3' }));
    expect(t.dialogs.message).toHaveBeenCalledWith(expect.objectContaining({ type: 'info', title: 'Documentation' }));
  });

  it('logs instead of throwing when a dialog fails', async () => {
    const t = setup();
    t.dialogs.open.mockRejectedValueOnce(new Error('dialog broke'));
    t.actions.openImage();
    await settle();
    expect(t.log).toHaveBeenCalledWith('stderr', 'Open Image: dialog broke');
  });
});

describe('shell actions with the real session handlers', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('Open Image opens a real raw file in the session (the snapshot shows it)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'blkstudio-open-'));
    const image = join(dir, 'disk.raw');
    writeFileSync(image, Buffer.alloc(1024 * 1024));
    const engine = await openNodeSession();
    try {
      const handlers = createApiHandlers({ name: 'blkstudio', version: '0' }, engine);
      const t = setup({ handlers });
      await expect(t.actions.openImagePath(image)).resolves.toBe(true);
      expect(t.recent()).toEqual([image]);
      const snapshot = await handlers.snapshot();
      expect(JSON.stringify(snapshot)).toContain('disk.raw');
      await expect(t.actions.openImagePath(join(dir, 'missing.raw'))).resolves.toBe(false);
    } finally {
      await engine.close();
    }
  });
});
