// scripts/electron-security-check.mjs (a step of `npm test`): passes on this tree, and fails
// with a HIGH finding on copies with one setting weakened.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'electron-security-check.mjs');

interface Report {
  high: number;
  findings: { severity: string; id: string; file?: string; message: string }[];
  passed: string[];
}

function check(root: string): { code: number; report: Report } {
  const run = spawnSync(process.execPath, [SCRIPT, '--root', root, '--json'], { encoding: 'utf8' });
  return { code: run.status ?? -1, report: JSON.parse(run.stdout) as Report };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'blkstudio-seccheck-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of main/ and renderer/index.html with `edit` applied to one file. */
function mutated(name: string, file: string, edit: (text: string) => string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'renderer'), { recursive: true });
  cpSync(join(ROOT, 'main'), join(root, 'main'), { recursive: true });
  cpSync(join(ROOT, 'renderer', 'index.html'), join(root, 'renderer', 'index.html'));
  const target = join(root, file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  expect(after, `${name}: the edit must change ${file}`).not.toBe(before);
  writeFileSync(target, after);
  return root;
}

describe('electron security check', () => {
  it('passes on this tree with no HIGH finding', () => {
    const { code, report } = check(ROOT);
    expect(report.findings.filter((f) => f.severity === 'HIGH')).toEqual([]);
    expect(code).toBe(0);
    expect(report.passed).toEqual(expect.arrayContaining(['contextIsolation=true', 'sandbox=true', 'nodeIntegration=false', 'setWindowOpenHandler deny', 'permission requests denied']));
    expect(execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' })).toMatch(/^electron security check: \d+ checks passed, \d+ finding\(s\), 0 HIGH/);
  });

  const cases: [string, string, (t: string) => string, string][] = [
    ['context-isolation', 'main/window.ts', (t) => t.replace('contextIsolation: true', 'contextIsolation: false'), 'CONTEXTISOLATION'],
    ['sandbox', 'main/window.ts', (t) => t.replace('sandbox: true', 'sandbox: false'), 'SANDBOX'],
    ['node-integration', 'main/window.ts', (t) => t.replace('nodeIntegration: false', 'nodeIntegration: true'), 'NODEINTEGRATION'],
    ['web-security', 'main/window.ts', (t) => t.replace('webSecurity: true', 'webSecurity: false'), 'WEBSECURITY'],
    ['insecure-content', 'main/window.ts', (t) => t.replace('allowRunningInsecureContent: false', 'allowRunningInsecureContent: true'), 'ALLOWRUNNINGINSECURECONTENT'],
    ['window-open', 'main/index.ts', (t) => t.replace("({ action: 'deny' })", "({ action: 'allow' })"), 'NEW_WINDOW'],
    ['navigation', 'main/index.ts', (t) => t.replace("contents.on('will-navigate'", "contents.on('did-navigate'"), 'NAVIGATION'],
    ['permissions', 'main/index.ts', (t) => t.replace('callback(false)', 'callback(true)'), 'PERMISSION_REQUEST'],
    ['ipc-sender', 'main/index.ts', (t) => t.replace(/registerIpc\(ipcMain, handlers, [^;]*\);/, 'registerIpc(ipcMain, handlers);'), 'IPC_SENDER'],
    ['own-window-options', 'main/index.ts', (t) => t.replace('new BrowserWindow(windowOptions(paths.preload, paths.icon))', 'new BrowserWindow({ webPreferences: { nodeIntegration: true } })'), 'WINDOW_OPTIONS'],
    ['open-external', 'main/actions.ts', (t) => t + '\nexport const x = (shell: { openExternal(u: string): void }) => shell.openExternal("https://example.com");\n', 'OPEN_EXTERNAL'],
    ['csp-missing', 'renderer/index.html', (t) => t.replace('http-equiv="Content-Security-Policy"', 'name="x-csp"'), 'CSP_MISSING'],
    ['csp-eval', 'renderer/index.html', (t) => t.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"), 'CSP_UNSAFE_EVAL'],
  ];
  for (const [name, file, edit, id] of cases) {
    it(`fails with HIGH ${id} when ${name} is weakened`, () => {
      const { code, report } = check(mutated(name, file, edit));
      expect(code).toBe(1);
      expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'HIGH', id }));
    });
  }
});
