// What the menu items do. Dialogs, files, the session handlers and the window are injected, so
// unit tests drive every action with fakes; index.ts wires in Electron's dialog and node:fs.
import { dispatch, type ApiHandlers, type RuleDiagnostic } from '../src/api';
import type { MenuActions } from './menu';

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** The native dialogs (Electron's `dialog`, attached to the main window). */
export interface Dialogs {
  /** The chosen file, or null when cancelled. */
  open(options: { title: string; filters: FileFilter[] }): Promise<string | null>;
  save(options: { title: string; defaultPath?: string; filters: FileFilter[] }): Promise<string | null>;
  message(options: { type: 'info' | 'warning' | 'error'; title: string; message: string; detail?: string }): Promise<void>;
}

export interface TextFiles {
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
}

export interface RecentStore {
  list(): string[];
  add(path: string): string[];
  clear(): string[];
}

export interface ShellDeps {
  dialogs: Dialogs;
  files: TextFiles;
  /** The same handlers the IPC channels call (calls go through dispatch, so through validation). */
  handlers: ApiHandlers;
  recent: RecentStore;
  /** Rebuild the menu (after the recent list changed). */
  refreshMenu(): void;
  /** A line for the log (main's stdout/stderr). */
  log(stream: 'stdout' | 'stderr', text: string): void;
  app: { name: string; version: string };
  quit(): void;
  /** The rules loaded in the session's blkdebug node as rule-file text; null when it has none. */
  exportRules?(): string | null;
}

export const IMAGE_FILTERS: FileFilter[] = [
  { name: 'Disk images', extensions: ['raw', 'img', 'qcow2', 'qcow', 'vmdk', 'vdi', 'vhd', 'vhdx', 'vpc', 'dmg', 'iso', 'bin'] },
  { name: 'All files', extensions: ['*'] },
];

export const RULE_FILTERS: FileFilter[] = [
  { name: 'blkdebug rules', extensions: ['cfg', 'conf', 'rules', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];

export function formatDiagnostics(path: string, diagnostics: readonly RuleDiagnostic[]): string {
  return diagnostics.map((d) => `${path}:${d.line}:${d.column}: ${d.message}`).join('\n');
}

export interface ShellActions extends MenuActions {
  /** Opens `path` in the session (used by Open Image… and Open Recent). */
  openImagePath(path: string): Promise<boolean>;
  /** The rule text last opened or saved (what Save Rules writes). */
  rulesText(): string | null;
}

export function createShellActions(deps: ShellDeps): ShellActions {
  let rules: { path: string | null; text: string } | null = null;

  const fail = async (title: string, message: string) => {
    deps.log('stderr', `${title}: ${message}`);
    await deps.dialogs.message({ type: 'error', title, message });
  };

  async function openImagePath(path: string): Promise<boolean> {
    const result = await dispatch(deps.handlers, 'openImage', [{ filename: path }]);
    if (!result.ok) {
      await fail('Open Image', `${path}: ${result.error.message}`);
      return false;
    }
    const run = result.value as { stdout: string; stderr: string; rc: number };
    if (run.stdout) deps.log('stdout', run.stdout);
    if (run.stderr) deps.log('stderr', run.stderr);
    if (run.rc !== 0) {
      await fail('Open Image', run.stderr.trim() || `${path}: could not open (rc ${run.rc})`);
      return false;
    }
    // The session reports graph-changed on the event channel; the renderer snapshots again.
    deps.recent.add(path);
    deps.refreshMenu();
    return true;
  }

  const guard = (name: string, fn: () => Promise<unknown>) => () => {
    fn().catch((err: unknown) => deps.log('stderr', `${name}: ${err instanceof Error ? err.message : String(err)}`));
  };

  return {
    openImagePath,
    rulesText: () => rules?.text ?? null,
    openImage: guard('Open Image', async () => {
      const path = await deps.dialogs.open({ title: 'Open Image', filters: IMAGE_FILTERS });
      if (path) await openImagePath(path);
    }),
    openRecent: (path) => guard('Open Recent', () => openImagePath(path))(),
    clearRecent: () => {
      deps.recent.clear();
      deps.refreshMenu();
    },
    openRules: guard('Open Rules', async () => {
      const path = await deps.dialogs.open({ title: 'Open Rules', filters: RULE_FILTERS });
      if (!path) return;
      let text: string;
      try {
        text = await deps.files.read(path);
      } catch (err) {
        await fail('Open Rules', `${path}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      const result = await dispatch(deps.handlers, 'applyRules', [{ text }]);
      if (!result.ok) {
        await fail('Open Rules', `${path}: ${result.error.message}`);
        return;
      }
      rules = { path, text };
      const diagnostics = result.value as RuleDiagnostic[];
      if (diagnostics.length === 0) {
        deps.log('stdout', `rules applied from ${path}`);
        return;
      }
      const listing = formatDiagnostics(path, diagnostics);
      deps.log('stderr', listing);
      await deps.dialogs.message({ type: 'warning', title: 'Open Rules', message: `${diagnostics.length} problem(s) in ${path}`, detail: listing });
    }),
    saveRules: guard('Save Rules', async () => {
      // The rules as loaded now (the session's blkdebug node), else the text last opened.
      const text = deps.exportRules?.() ?? rules?.text ?? null;
      if (text === null) {
        await deps.dialogs.message({ type: 'info', title: 'Save Rules', message: 'There is no rule text to save yet: open a rule file first.' });
        return;
      }
      const path = await deps.dialogs.save({ title: 'Save Rules', defaultPath: rules?.path ?? 'rules.cfg', filters: RULE_FILTERS });
      if (!path) return;
      await deps.files.write(path, text);
      rules = { path, text };
      deps.log('stdout', `rules saved to ${path}`);
    }),
    quit: () => deps.quit(),
    about: guard('About', () =>
      deps.dialogs.message({
        type: 'info',
        title: `About ${deps.app.name}`,
        message: `${deps.app.name} ${deps.app.version}`,
        detail: 'A workbench for testing storage code against disk faults: QEMU-compatible block drivers, blkdebug, blkverify and a qemu-io drop-in.',
      }),
    ),
    documentation: guard('Documentation', () =>
      deps.dialogs.message({
        type: 'info',
        title: 'Documentation',
        message: `${deps.app.name} documentation`,
        detail:
          'See README.md in the installation directory.\n\n' +
          'File → Open Image… opens any spec qemu-io accepts; the console runs qemu-io command lines.\n' +
          'File → Open Rules… applies a blkdebug rule file to the topmost blkdebug node; problems are listed with line and column.\n' +
          'File → Save Rules… writes the rules loaded in the session (or the rule file last opened).',
      }),
    ),
  };
}
