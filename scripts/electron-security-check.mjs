#!/usr/bin/env node
// A static check of the Electron configuration, run by `npm test`. It parses main/window.ts,
// main/index.ts and main/preload/index.ts with the TypeScript compiler and reads the renderer's
// CSP from renderer/index.html (and out/renderer/index.html when built). Any HIGH finding fails
// (exit 1); MEDIUM and LOW findings are listed only.
//
// Why not @doyensec/electronegativity (1.10.3, the latest): it fetches translations from GitHub
// and Electron's release list on every run (no switch turns either off), and it cannot follow
// options built by a function (windowOptions()), so it reports contextIsolation and
// nodeIntegration as HIGH on this code although both are set. See the report in issue 4.
//
// Usage: node scripts/electron-security-check.mjs [--root DIR] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const ROOT = rootArg >= 0 ? args[rootArg + 1] : join(import.meta.dirname, '..');
const JSON_OUT = args.includes('--json');

const findings = [];
const passed = [];
const finding = (severity, id, file, message) => findings.push({ severity, id, file: file && relative(ROOT, file), message });
const pass = (id) => passed.push(id);

function parse(file) {
  if (!existsSync(file)) {
    finding('HIGH', 'MISSING_FILE', file, 'file not found');
    return null;
  }
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function walk(node, visit) {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

const propName = (p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined);
const literal = (e) => (e.kind === ts.SyntaxKind.TrueKeyword ? true : e.kind === ts.SyntaxKind.FalseKeyword ? false : ts.isStringLiteral(e) ? e.text : undefined);

// ---- main/window.ts: the BrowserWindow options ------------------------------------------------
const WINDOW = join(ROOT, 'main', 'window.ts');
const windowSource = parse(WINDOW);
if (windowSource) {
  const prefsObjects = [];
  walk(windowSource, (n) => {
    if (ts.isPropertyAssignment(n) && propName(n) === 'webPreferences' && ts.isObjectLiteralExpression(n.initializer)) prefsObjects.push(n.initializer);
  });
  if (prefsObjects.length !== 1) {
    finding('HIGH', 'WEB_PREFERENCES', WINDOW, `expected one webPreferences object literal, found ${prefsObjects.length}`);
  } else {
    const prefs = new Map();
    for (const p of prefsObjects[0].properties) {
      if (ts.isSpreadAssignment(p)) finding('HIGH', 'WEB_PREFERENCES_SPREAD', WINDOW, 'webPreferences must be literal (no spread)');
      else if (ts.isPropertyAssignment(p)) prefs.set(propName(p), literal(p.initializer));
      else if (ts.isShorthandPropertyAssignment(p)) prefs.set(p.name.text, undefined);
    }
    const require = (key, want, severity, why) => {
      if (prefs.get(key) === want) pass(`${key}=${want}`);
      else finding(severity, key.toUpperCase(), WINDOW, `webPreferences.${key} must be ${want} (${why}); found ${prefs.has(key) ? String(prefs.get(key)) : 'not set'}`);
    };
    const forbid = (key, bad, severity, why) => {
      if (prefs.has(key) && prefs.get(key) === bad) finding(severity, key.toUpperCase(), WINDOW, `webPreferences.${key} is ${bad} (${why})`);
      else if (prefs.has(key) && prefs.get(key) === undefined) finding(severity, key.toUpperCase(), WINDOW, `webPreferences.${key} is not a literal`);
      else pass(`${key}!=${bad}`);
    };
    require('contextIsolation', true, 'HIGH', 'the preload and the page must not share a world');
    require('sandbox', true, 'HIGH', 'the renderer runs sandboxed');
    require('nodeIntegration', false, 'HIGH', 'no Node in the page');
    forbid('nodeIntegrationInWorker', true, 'HIGH', 'no Node in workers');
    forbid('nodeIntegrationInSubFrames', true, 'HIGH', 'no Node in frames');
    forbid('webSecurity', false, 'HIGH', 'same-origin policy stays on');
    forbid('allowRunningInsecureContent', true, 'HIGH', 'no http content in our page');
    forbid('experimentalFeatures', true, 'MEDIUM', 'no experimental Blink features');
    forbid('webviewTag', true, 'MEDIUM', 'no <webview>');
    if (prefs.has('enableBlinkFeatures')) finding('MEDIUM', 'ENABLE_BLINK_FEATURES', WINDOW, 'webPreferences.enableBlinkFeatures is set');
    else pass('no enableBlinkFeatures');
    if (!prefs.has('preload')) finding('LOW', 'PRELOAD', WINDOW, 'no preload script configured');
  }
}

// ---- main/**: every window uses those options; no shell.openExternal ---------------------------
const INDEX = join(ROOT, 'main', 'index.ts');
const indexSource = parse(INDEX);
if (indexSource) {
  const calls = [];
  const news = [];
  const events = [];
  walk(indexSource, (n) => {
    if (ts.isNewExpression(n) && n.expression.getText() === 'BrowserWindow') news.push(n);
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText();
      calls.push({ callee, node: n });
      if (/\.on$|\.once$/.test(callee) && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) events.push(n.arguments[0].text);
    }
  });
  const called = (re) => calls.filter((c) => re.test(c.callee));

  if (news.length === 0) finding('LOW', 'NO_WINDOW', INDEX, 'no BrowserWindow created in main/index.ts');
  for (const n of news) {
    const arg = n.arguments?.[0];
    if (arg && ts.isCallExpression(arg) && arg.expression.getText() === 'windowOptions') pass('BrowserWindow(windowOptions(...))');
    else finding('HIGH', 'WINDOW_OPTIONS', INDEX, `new BrowserWindow(${arg?.getText() ?? ''}) does not use windowOptions() from main/window.ts`);
  }

  const openHandlers = called(/\.setWindowOpenHandler$/);
  if (openHandlers.length > 0 && openHandlers.every((c) => /action:\s*'deny'/.test(c.node.arguments[0]?.getText() ?? ''))) pass('setWindowOpenHandler deny');
  else finding('HIGH', 'NEW_WINDOW', INDEX, "new windows are not denied (setWindowOpenHandler returning { action: 'deny' })");

  if (events.includes('will-navigate') && called(/\.preventDefault$/).length > 0) pass('will-navigate guarded');
  else finding('HIGH', 'NAVIGATION', INDEX, "navigation is not restricted (a 'will-navigate' handler calling preventDefault)");
  if (!events.includes('will-redirect')) finding('LOW', 'REDIRECT', INDEX, "no 'will-redirect' handler (server redirects are moot for file:// pages)");

  const permission = called(/\.setPermissionRequestHandler$/);
  if (permission.length > 0 && permission.every((c) => /callback\(false\)/.test(c.node.arguments[0]?.getText() ?? ''))) pass('permission requests denied');
  else finding('HIGH', 'PERMISSION_REQUEST', INDEX, 'permission requests are not denied (setPermissionRequestHandler calling callback(false))');
  const check = called(/\.setPermissionCheckHandler$/);
  if (check.length > 0 && check.every((c) => /=>\s*false\b/.test(c.node.arguments[0]?.getText() ?? ''))) pass('permission checks denied');
  else finding('MEDIUM', 'PERMISSION_CHECK', INDEX, 'permission checks are not denied (setPermissionCheckHandler(() => false))');

  if (called(/^app\.enableSandbox$/).length > 0) pass('app.enableSandbox');
  else finding('MEDIUM', 'ENABLE_SANDBOX', INDEX, 'app.enableSandbox() is not called');

  const ipcCalls = called(/^registerIpc$/);
  if (ipcCalls.length > 0 && ipcCalls.every((c) => c.node.arguments.length >= 3)) pass('IPC sender check');
  else finding('HIGH', 'IPC_SENDER', INDEX, 'registerIpc is called without a sender check (IPC accepted from any frame)');
}

for (const file of ['index.ts', 'window.ts', 'ipc.ts', 'menu.ts', 'actions.ts', 'recent.ts', 'single-instance.ts', join('preload', 'index.ts')].map((f) => join(ROOT, 'main', f))) {
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  if (/\bopenExternal\s*\(/.test(text)) finding('HIGH', 'OPEN_EXTERNAL', file, 'shell.openExternal is not allowed (navigation policy: no external URLs)');
  if (/\bopenPath\s*\(/.test(text)) finding('MEDIUM', 'OPEN_PATH', file, 'shell.openPath opens files with other programs');
  if (/\b(insecure|disable-web-security|allow-file-access-from-files)\b/.test(text) && /appendSwitch/.test(text)) finding('HIGH', 'INSECURE_SWITCH', file, 'an insecure Chromium switch is appended');
}

// ---- the preload: only contextBridge, never ipcRenderer itself --------------------------------
const PRELOAD = join(ROOT, 'main', 'preload', 'index.ts');
const preloadSource = parse(PRELOAD);
if (preloadSource) {
  let exposes = 0;
  walk(preloadSource, (n) => {
    if (ts.isCallExpression(n) && n.expression.getText() === 'contextBridge.exposeInMainWorld') {
      exposes++;
      if (n.arguments[1] && /^ipcRenderer$|^require$/.test(n.arguments[1].getText())) finding('HIGH', 'PRELOAD_EXPOSES_IPC', PRELOAD, 'the preload exposes ipcRenderer itself');
    }
  });
  if (/\bipcRenderer\.(send|sendSync)\b/.test(preloadSource.text)) finding('LOW', 'PRELOAD_SEND', PRELOAD, 'the preload uses send/sendSync (invoke expected)');
  if (exposes === 1) pass('one exposeInMainWorld');
  else finding('MEDIUM', 'PRELOAD_EXPOSE', PRELOAD, `expected one contextBridge.exposeInMainWorld, found ${exposes}`);
}

// ---- the renderer's CSP -------------------------------------------------------------------------
function checkCsp(file, required) {
  if (!existsSync(file)) {
    if (required) finding('HIGH', 'CSP_MISSING', file, 'renderer page not found');
    return;
  }
  const html = readFileSync(file, 'utf8');
  const metas = [...html.matchAll(/<meta\b[^>]*>/gis)].map((m) => m[0]).filter((m) => /http-equiv\s*=\s*["']Content-Security-Policy["']/i.test(m));
  if (metas.length === 0) {
    finding('HIGH', 'CSP_MISSING', file, 'no Content-Security-Policy meta tag');
    return;
  }
  const content = /content\s*=\s*"([^"]*)"/i.exec(metas[0])?.[1] ?? /content\s*=\s*'([^']*)'/i.exec(metas[0])?.[1] ?? '';
  const directives = new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
  const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
  if (!directives.has('default-src')) finding('HIGH', 'CSP_DEFAULT_SRC', file, 'CSP has no default-src');
  if (!scriptSrc) finding('HIGH', 'CSP_SCRIPT_SRC', file, 'CSP restricts no scripts');
  if (content.includes("'unsafe-eval'")) finding('HIGH', 'CSP_UNSAFE_EVAL', file, "CSP allows 'unsafe-eval'");
  if (scriptSrc?.includes("'unsafe-inline'")) finding('HIGH', 'CSP_UNSAFE_INLINE_SCRIPT', file, "script-src allows 'unsafe-inline'");
  if (scriptSrc?.some((v) => v === '*' || /^(https?|data|blob):?$/.test(v) || /^https?:\/\//.test(v))) finding('HIGH', 'CSP_REMOTE_SCRIPT', file, `script-src allows remote or data scripts: ${scriptSrc.join(' ')}`);
  if (!directives.has('object-src') && !directives.has('default-src')) finding('MEDIUM', 'CSP_OBJECT_SRC', file, 'CSP has no object-src');
  if ((directives.get('style-src') ?? []).includes("'unsafe-inline'")) finding('LOW', 'CSP_UNSAFE_INLINE_STYLE', file, "style-src allows 'unsafe-inline' (Monaco needs it)");
  pass(`CSP ${relative(ROOT, file)}`);
}
checkCsp(join(ROOT, 'renderer', 'index.html'), true);
checkCsp(join(ROOT, 'out', 'renderer', 'index.html'), false);

// ---- report -------------------------------------------------------------------------------------
const order = { HIGH: 0, MEDIUM: 1, LOW: 2 };
findings.sort((a, b) => order[a.severity] - order[b.severity]);
const high = findings.filter((f) => f.severity === 'HIGH').length;
if (JSON_OUT) {
  console.log(JSON.stringify({ high, findings, passed }, null, 2));
} else {
  console.log(`electron security check: ${passed.length} checks passed, ${findings.length} finding(s), ${high} HIGH`);
  for (const f of findings) console.log(`  ${f.severity.padEnd(6)} ${f.id}  ${f.file ?? ''}: ${f.message}`);
}
process.exit(high > 0 ? 1 : 0);
