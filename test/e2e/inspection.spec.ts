// Inspection never touches the fault stack (issue 14, item 1), as a user meets it: rules that
// fail reads and a read_aio breakpoint are live on a blkverify stack (reference.raw against
// test.qcow2 under blkdebug); browsing the sector diff, Compare whole image and opening a
// mismatch leave the rules' hits, the state and the breakpoint as they were, and the first real
// read afterwards still meets the rules (so no cache was warmed). A side that cannot be read
// shows ?? with its errno, never zeroes highlighted as differing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SessionSnapshot } from '../../src/api';
import { callEngine } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';
import { setRuleText } from './rule-text';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Where test.qcow2 differs from reference.raw: sector 1200. */
const DIFF_AT = 600 * KiB;

const dir = mkdtempSync(join(tmpdir(), 'blkstudio-e2e-inspect-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(tool: string, ...args: string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr}`);
}

/** reference.raw, and test.qcow2 holding the same data except one sector (and, with `corruptL1`, an unreadable first L2 table). */
function images(name: string, corruptL1 = false): { raw: string; test: string } {
  const d = join(dir, name);
  run('mkdir', '-p', d);
  const raw = join(d, 'reference.raw');
  const test = join(d, 'test.qcow2');
  const data = Buffer.alloc(MiB);
  for (let i = 0; i < 128 * KiB; i++) data[i] = 0x41 + ((i >> 4) % 26);
  writeFileSync(raw, data);
  run('qemu-img', 'create', '-q', '-f', 'qcow2', test, '1M');
  run('qemu-io', '-f', 'qcow2', '-c', `write -s ${raw} 0 128k`, '-c', `write -P 0xee ${DIFF_AT} 512`, test);
  data.fill(0, DIFF_AT, DIFF_AT + 512);
  writeFileSync(raw, data);
  if (corruptL1) {
    // The first L1 entry points at an unaligned L2 table: every read of the image fails (EIO).
    const img = readFileSync(test);
    img.writeBigUInt64BE(0x8000000000000201n, Number(img.readBigUInt64BE(40)));
    writeFileSync(test, img);
  }
  return { raw, test };
}

// Rules on each event the browsing would reach: the data read (read_aio) and the L2 load.
const RULES = `# inspection must not reach any of these
[inject-error]
event = "read_aio"
errno = "5"

[inject-error]
event = "l2_load"
errno = "28"

[set-state]
event = "read_aio"
new_state = "2"
`;

const panel = (page: Page) => page.getByRole('region', { name: 'Sector diff' });
const stateNode = (page: Page, n: number) => page.getByRole('region', { name: 'State machine' }).getByRole('button', { name: `State ${n}`, exact: true });
const ruleList = (page: Page) => page.getByRole('region', { name: 'Rule builder' }).getByRole('listbox', { name: 'Rule list' });
const suspended = (page: Page) => page.getByRole('region', { name: 'Suspended requests' });
const snapshot = () => callEngine<SessionSnapshot>('snapshot');

/** What the fault stack knows: rules with hits and injections, state, active rules, parked requests. */
async function stack() {
  const s = await snapshot();
  return { blkdebug: s.blkdebug, inFlight: s.inFlight };
}

async function openStack(page: Page, files: { raw: string; test: string }) {
  await callEngine('openImage', { filename: `blkverify:${files.raw}:blkdebug::${files.test}`, format: 'raw' });
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkverify');
  await expect(page.getByRole('region', { name: 'Rules' }).locator('.monaco-editor')).toBeVisible();
}

test('browsing, comparing and opening a mismatch leave hits, state and breakpoints untouched', async ({ page }) => {
  await openStack(page, images('browse'));

  // The user's rules and a breakpoint on read_aio.
  await setRuleText(page, RULES);
  await page.getByRole('button', { name: 'Apply rules' }).click();
  await expect(ruleList(page).getByRole('option')).toHaveCount(3);
  const susp = suspended(page);
  await susp.getByLabel('Event').fill('read_aio');
  await susp.getByLabel('Tag').fill('A');
  await susp.getByRole('button', { name: 'Set breakpoint' }).click();
  await expect(susp.getByRole('table', { name: 'Breakpoints' }).getByRole('row').filter({ has: page.getByRole('cell', { name: 'A', exact: true }) })).toContainText('armed');
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  const before = await stack();
  expect(before.blkdebug[0]!.rules.map((r) => [r.kind, r.event, r.hits])).toEqual([
    ['suspend', 'read_aio', 0],
    ['set-state', 'read_aio', 0],
    ['inject-error', 'read_aio', 0],
    ['inject-error', 'l2_load', 0],
  ]);

  // Browse: the sides are named by their files, the node ids secondary.
  const sd = panel(page);
  await sd.scrollIntoViewIfNeeded();
  const head = sd.locator('.sd-colhead');
  await expect(head).toContainText('A: reference.raw');
  await expect(head).toContainText('B: test.qcow2');
  await expect(sd.locator('.sd-row[data-offset="0"] .sd-hex-b')).toContainText('41414141');
  const goto = sd.getByRole('textbox', { name: 'Go to sector' });
  await goto.fill('1200');
  await goto.press('Enter');
  await expect(sd.locator(`.sd-row[data-offset="${DIFF_AT}"]`)).toHaveClass(/sd-cursor/);
  await expect(sd.locator(`.sd-row[data-offset="${DIFF_AT}"] .sd-hex-b .sd-d`)).toHaveCount(16);
  await sd.getByRole('group', { name: 'Hex rows' }).press('PageDown');

  // Compare whole image, and open the mismatch it found.
  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(sd.getByLabel('Compare status')).toContainText('complete: 512 B differ');
  await sd.getByRole('list', { name: 'Mismatches' }).getByRole('button', { name: /^diff 0x96000/ }).click();
  await expect(sd.locator(`.sd-row[data-offset="${DIFF_AT}"]`)).toHaveClass(/sd-cursor/);
  await sd.getByRole('button', { name: 'Copy sector as hex' }).click();
  await expect(sd.getByRole('status')).toContainText('Copied sector 1200 as hex');
  await page.screenshot({ path: screenshotPath('inspection-browsed'), fullPage: true });

  // Nothing changed: the state, no hit on any rule, the breakpoint still pending, nothing parked.
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  for (const option of await ruleList(page).getByRole('option').all()) await expect(option).not.toHaveAccessibleName(/[1-9]\d* hits?$/);
  await expect(susp.getByRole('table', { name: 'Breakpoints' }).getByRole('row').filter({ has: page.getByRole('cell', { name: 'A', exact: true }) })).toContainText('armed');
  await expect(susp.getByRole('table', { name: 'Parked requests' })).toHaveCount(0);
  expect(await stack()).toEqual(before);

  // The first real read meets the rules as it would have: its L2 table was not cached by the browsing.
  const input = page.getByRole('region', { name: 'Console' }).getByRole('textbox', { name: 'qemu-io command' });
  await input.fill('read 0 4k');
  await input.press('Enter');
  await expect(page.getByRole('region', { name: 'Console' }).getByRole('log')).toContainText('read failed: Input/output error');
  await expect.poll(async () => (await stack()).blkdebug[0]!.rules.find((r) => r.event === 'l2_load')?.hits).toBe(1);
  const l2 = (await stack()).blkdebug[0]!.rules.find((r) => r.event === 'l2_load');
  expect(l2).toMatchObject({ kind: 'inject-error', hits: 1, injected: 1 });
  await expect(ruleList(page).getByRole('option', { name: /l2_load.*1 hit$/ })).toBeVisible();
});

test('a side that cannot be read shows ?? with its errno, and the compare says which file failed', async ({ page }) => {
  await openStack(page, images('unreadable', true));
  await setRuleText(page, RULES);
  await page.getByRole('button', { name: 'Apply rules' }).click();
  await expect(ruleList(page).getByRole('option')).toHaveCount(3);
  const before = await stack();

  const sd = panel(page);
  await sd.scrollIntoViewIfNeeded();
  const row = sd.locator('.sd-row[data-offset="0"]');
  await expect(row).toHaveAttribute('data-unreadable', 'b');
  await expect(row.locator('.sd-hex-b')).toHaveText(/^(\?\?\s*){16}$/);
  await expect(row.locator('.sd-hex-a')).toContainText('41414141');
  // Unknown bytes are not "different": nothing is highlighted.
  await expect(row.locator('.sd-d')).toHaveCount(0);
  await expect(sd.locator('.sd-colhead')).toContainText('B: test.qcow2');
  await expect(sd.locator('.sd-colhead')).toContainText('unreadable: EIO');

  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(sd.getByLabel('Compare status')).toContainText('failed: block status of test.qcow2 failed: EIO');
  await page.screenshot({ path: screenshotPath('inspection-unreadable'), fullPage: true });
  expect(await stack()).toEqual(before);
});

test('the hex panes scroll sideways at 1024 px wide, nothing clipped', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openStack(page, images('narrow'));
  const sd = panel(page);
  await sd.scrollIntoViewIfNeeded();
  const pane = sd.locator('.sd-hexpane');
  const row = sd.locator('.sd-row[data-offset="0"]');
  await expect(row.locator('.sd-ascii-b')).toBeAttached();
  // The pane fits the window and scrolls; its content is wider than it.
  const box = await pane.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
  const { scrollWidth, clientWidth, overflowX } = await pane.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
  expect(['auto', 'scroll']).toContain(overflowX);
  // Every cell of B's ASCII column is laid out in full, inside the scrollable width (not cut off by an ancestor).
  const asciiRight = await row.locator('.sd-ascii-b').evaluate((el) => el.getBoundingClientRect().right - el.closest('.sd-hexpane')!.getBoundingClientRect().left + el.closest('.sd-hexpane')!.scrollLeft);
  expect(asciiRight).toBeLessThanOrEqual(scrollWidth + 1);
  if (scrollWidth > clientWidth) {
    await pane.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect(row.locator('.sd-ascii-b')).toBeInViewport();
    const right = await row.locator('.sd-ascii-b').evaluate((el) => el.getBoundingClientRect().right);
    expect(right).toBeLessThanOrEqual(1024);
  }
  // The page itself does not scroll sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  await page.screenshot({ path: screenshotPath('inspection-1024'), fullPage: true });
});
