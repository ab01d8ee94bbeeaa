#!/usr/bin/env node
// Renders the app icon (assets/icon.svg → icon-256.png, icon-512.png) and captures the README's
// screenshots (assets/screenshots/*.png) of the app in web mode on the demo workspace, with
// Debian's chromium through Playwright. Needs `npm run build` first. PNGs are squeezed with
// optipng when it is installed (`apt-get install optipng`).
//
// Usage: node scripts/capture-screenshots.mjs [--icon-only] [--port N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const ROOT = join(import.meta.dirname, '..');
const ASSETS = join(ROOT, 'assets');
const SHOTS = join(ASSETS, 'screenshots');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const PORT = portArg >= 0 ? Number(args[portArg + 1]) : 4399;
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = 'capture-screenshots-token-0123456789abcdef';

// The flags of playwright.config.ts (toolchain.md): root in a container, nothing phoning home.
const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

const written = [];

function optimise(file) {
  if (spawnSync('optipng', ['-version'], { stdio: 'ignore' }).status === 0) spawnSync('optipng', ['-quiet', '-o2', '-strip', 'all', file], { stdio: 'inherit' });
  written.push(file);
}

async function renderIcon(browser) {
  const svg = readFileSync(join(ASSETS, 'icon.svg'), 'utf8');
  for (const size of [256, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    const file = join(ASSETS, `icon-${size}.png`);
    await page.screenshot({ path: file, omitBackground: true });
    await page.close();
    optimise(file);
  }
}

async function startServer() {
  // No image: the demo workspace, in a temporary directory the server removes at exit.
  const server = spawn(process.execPath, [join(ROOT, 'bin', 'blkstudio'), 'web', '--port', String(PORT)], {
    cwd: ROOT,
    env: { ...process.env, BLKSTUDIO_WEB_TOKEN: TOKEN },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${BASE}/api/app-info`, { signal: AbortSignal.timeout(2000) })).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGTERM');
  throw new Error(`blkstudio web did not start on port ${PORT}`);
}

async function captureApp(browser) {
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${BASE}/?token=${TOKEN}`);
    // The demo's steps have run: a mismatch to diff, a parked read, Monaco up.
    await page.getByRole('list', { name: 'Mismatches' }).getByRole('listitem').first().waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Suspended requests' }).getByRole('table', { name: 'Parked requests' }).waitFor({ timeout: 30_000 });
    await page.getByRole('region', { name: 'Rules', exact: true }).locator('.monaco-editor').waitFor({ timeout: 30_000 });
    // Let layout, the state machine's fit and the timeline settle.
    await page.waitForTimeout(1500);
    await page.mouse.move(0, 0);

    const shot = async (name, region) => {
      const file = join(SHOTS, `${name}.png`);
      const target = region ? page.getByRole('region', { name: region, exact: true }) : page;
      await target.screenshot({ path: file });
      optimise(file);
    };
    await shot('workbench', null);
    // The sector diff on the first mismatch (the planted corruption).
    await page.getByRole('list', { name: 'Mismatches' }).getByRole('listitem').first().click();
    await page.waitForTimeout(500);
    await page.mouse.move(0, 0);
    await shot('rule-editor', 'Rules');
    await shot('state-machine', 'State machine');
    await shot('suspended-requests', 'Suspended requests');
    await shot('sector-diff', 'Sector diff');
    await shot('timeline', 'Timeline');
    await page.close();
  } finally {
    server.kill('SIGTERM');
  }
}

const browser = await chromium.launch(CHROMIUM);
try {
  await renderIcon(browser);
  if (!args.includes('--icon-only')) await captureApp(browser);
} finally {
  await browser.close();
}
for (const file of written) console.log(`${file.slice(ROOT.length + 1)}  ${Math.round(statSync(file).size / 1024)} KiB`);
