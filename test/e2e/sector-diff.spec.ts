// The sector diff against the real engine: a blkverify pair of raw files with planted
// corruptions, opened in record mode; reads through it record mismatches that appear in the list
// live, Next/Previous jump to each and the hex shown matches the files; Go to sector, the
// whole-image compare (to completion and cancelled) and a multi-GiB image's scaled scrolling.
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { callEngine } from './engine';
import { expect, test } from './guard';
import { E2E_IMAGE } from './image';
import { E2E_TOKEN, screenshotPath } from './project';

const panel = (page: Page) => page.getByRole('region', { name: 'Sector diff' });
const list = (page: Page) => panel(page).getByRole('list', { name: 'Mismatches' });
const rowAt = (page: Page, offset: number) => panel(page).locator(`.sd-row[data-offset="${offset}"]`);

const hex = (buf: Buffer, offset: number) => [...buf.subarray(offset, offset + 16)].map((b) => b.toString(16).padStart(2, '0')).join('');

let seq = 0;
const made: string[] = [];
function dir(): string {
  const d = join(dirname(E2E_IMAGE), `sector-diff-${process.pid}-${++seq}`);
  mkdirSync(d, { recursive: true });
  made.push(d);
  return d;
}

// The files go (the server may still hold one open; Linux lets it).
test.afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const blkverify = (raw: string, testFile: string) =>
  `json:${JSON.stringify({ driver: 'raw', file: { driver: 'blkverify', mode: 'record', raw: { driver: 'file', filename: raw }, test: { driver: 'file', filename: testFile } } })}`;

/** 1 MiB of readable text; the test copy differs at sector 8 (4 bytes), 25 (1 byte), 256 (whole). */
function plantedPair() {
  const d = dir();
  const raw = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < raw.length; i++) raw[i] = 0x41 + ((i >> 4) % 26);
  const test = Buffer.from(raw);
  test.write('BUG!', 0x1000, 'latin1');
  test[0x3217] = 0x00;
  test.fill(0xee, 0x20000, 0x20200);
  const rawFile = join(d, 'raw.img');
  const testFile = join(d, 'test.img');
  writeFileSync(rawFile, raw);
  writeFileSync(testFile, test);
  return { raw, test, rawFile, testFile };
}

async function openPage(page: Page) {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkverify');
  await panel(page).scrollIntoViewIfNeeded();
}

/** The hex digits a row shows on side a or b. */
async function rowHex(row: Locator, side: 'a' | 'b'): Promise<string> {
  return (await row.locator(`.sd-hex-${side}`).innerText()).replace(/\s+/g, '');
}

test('recorded mismatches appear live, Next/Previous walk them and the bytes match the files', async ({ page }) => {
  const p = plantedPair();
  await callEngine('openImage', { filename: blkverify(p.rawFile, p.testFile), format: 'raw' });
  await openPage(page);

  const sd = panel(page);
  await expect(sd).toContainText('blkverify');
  await expect(sd.getByRole('group', { name: 'Hex rows' })).toBeVisible();
  // Sector 0 is the same on both sides.
  await expect(rowAt(page, 0)).toBeVisible();
  expect(await rowHex(rowAt(page, 0), 'a')).toBe(hex(p.raw, 0));
  expect(await rowHex(rowAt(page, 0), 'b')).toBe(hex(p.test, 0));
  await expect(rowAt(page, 0).locator('.sd-d')).toHaveCount(0);
  await expect(sd.getByRole('button', { name: 'Next mismatch' })).toBeDisabled();

  // Reads through blkverify (from another connection): each mismatch is listed as it happens.
  await callEngine('run', 'read 0 65536');
  await expect(list(page).getByRole('listitem')).toHaveCount(1);
  await expect(list(page)).toContainText('#1 read 0x1000');
  await callEngine('run', 'read 131072 4096');
  await expect(list(page).getByRole('listitem')).toHaveCount(2);
  await expect(list(page).getByRole('listitem').nth(1)).toContainText('#2 read 0x20000');
  await callEngine('run', 'read 65536 4096');
  await expect(list(page).getByRole('listitem')).toHaveCount(2);

  // Next: mismatch #1, sectors 8..25 (first differing sector 8).
  await sd.getByRole('button', { name: 'Next mismatch' }).click();
  await expect(list(page).getByRole('button', { name: /#1 read/ })).toHaveAttribute('aria-current', 'true');
  await expect(rowAt(page, 0x1000)).toBeVisible();
  expect(await rowHex(rowAt(page, 0x1000), 'a')).toBe(hex(p.raw, 0x1000));
  expect(await rowHex(rowAt(page, 0x1000), 'b')).toBe(hex(p.test, 0x1000));
  await expect(rowAt(page, 0x1000).locator('.sd-hex-a .sd-d')).toHaveCount(4);
  await expect(rowAt(page, 0x1000).locator('.sd-hex-b .sd-d')).toHaveCount(4);
  await expect(rowAt(page, 0x1000)).toHaveClass(/sd-sector/);
  await expect(rowAt(page, 0x1000)).toHaveClass(/sd-cursor/);
  await expect(sd.getByRole('table', { name: 'Last writes' })).toHaveCount(0);
  await expect(sd).toHaveAttribute('data-jump-ms', /^\d+(\.\d)?$/);
  await expect(sd).toHaveAttribute('data-jump-offset', String(0x1000));
  await sd.screenshot({ path: screenshotPath('sector-diff-mismatch-1') });

  // The single corrupted byte of sector 25, via Go to sector.
  const goto = sd.getByRole('textbox', { name: 'Go to sector' });
  await goto.fill('0x3210');
  await goto.press('Enter');
  await expect(rowAt(page, 0x3210)).toHaveClass(/sd-cursor/);
  expect(await rowHex(rowAt(page, 0x3210), 'b')).toBe(hex(p.test, 0x3210));
  await expect(rowAt(page, 0x3210).locator('.sd-hex-a .sd-d')).toHaveCount(1);
  await expect(rowAt(page, 0x3210).locator('.sd-hex-a .sd-d')).toHaveText(hex(p.raw, 0x3217).slice(0, 2));
  await goto.fill('not a sector');
  await goto.press('Enter');
  await expect(sd.getByRole('alert')).toContainText('Not a sector or offset');
  await expect(goto).toHaveAttribute('aria-invalid', 'true');
  await goto.fill('99999');
  await goto.press('Enter');
  await expect(sd.getByRole('alert')).toContainText('Past the end of the image (2048 sectors');
  await goto.fill('256');
  await goto.press('Enter');
  await expect(sd.getByRole('alert')).toHaveCount(0);
  await expect(rowAt(page, 0x20000)).toHaveClass(/sd-cursor/);
  await expect(rowAt(page, 0x20000).locator('.sd-hex-b .sd-d')).toHaveCount(16);
  expect(await rowHex(rowAt(page, 0x20000), 'b')).toBe('ee'.repeat(16));

  // Next/Previous from the list's selection; keys n / p in the panel.
  await list(page).getByRole('button', { name: /#1 read/ }).click();
  await sd.getByRole('button', { name: 'Next mismatch' }).click();
  await expect(list(page).getByRole('button', { name: /#2 read/ })).toHaveAttribute('aria-current', 'true');
  await expect(rowAt(page, 0x20000)).toHaveClass(/sd-cursor/);
  expect(await rowHex(rowAt(page, 0x20000), 'a')).toBe(hex(p.raw, 0x20000));
  await expect(sd.getByRole('button', { name: 'Next mismatch' })).toBeDisabled();
  await sd.getByRole('button', { name: 'Previous mismatch' }).click();
  await expect(list(page).getByRole('button', { name: /#1 read/ })).toHaveAttribute('aria-current', 'true');
  await sd.getByRole('group', { name: 'Hex rows' }).focus();
  await page.keyboard.press('n');
  await expect(list(page).getByRole('button', { name: /#2 read/ })).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Shift+F8');
  await expect(list(page).getByRole('button', { name: /#1 read/ })).toHaveAttribute('aria-current', 'true');

  // A write through the stack shows up under Last writes for the cursor's sector.
  await callEngine('run', 'write -P 0x5a 4096 512');
  await expect(sd.getByRole('table', { name: 'Last writes' })).toContainText('0x1000 +512');
  await expect(rowAt(page, 0x1000).locator('.sd-d')).toHaveCount(0);
  expect(await rowHex(rowAt(page, 0x1000), 'a')).toBe('5a'.repeat(16));

  // Copy the sector as hex.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await sd.getByRole('button', { name: 'Copy sector as hex' }).click();
  await expect(sd.getByRole('status')).toContainText('Copied sector 8 as hex (512 bytes of each side)');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('00001000: 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ');

  // Select three rows (click, Shift+click) and copy them.
  await rowAt(page, 0x1000).click();
  await rowAt(page, 0x1020).click({ modifiers: ['Shift'] });
  await expect(rowAt(page, 0x1010)).toHaveClass(/sd-selected/);
  await sd.getByRole('button', { name: 'Copy selection as hex' }).click();
  await expect(sd.getByRole('status')).toContainText('Copied rows 0x1000..0x102f as hex (48 bytes of each side)');
  const rowsCopied = await page.evaluate(() => navigator.clipboard.readText());
  expect(rowsCopied.split('\n').filter((l) => /^[0-9a-f]{8}: /.test(l))).toHaveLength(6);
  expect(rowsCopied).toContain('# A #block');
  expect(rowsCopied).toContain(`00001020: ${'5a '.repeat(15)}5a  ${'Z'.repeat(16)}`);

  // The whole-image compare lists what reads have not reached (sector 25 is still corrupted).
  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(sd.getByLabel('Compare status')).toContainText('complete: 1 KiB differ');
  await expect(sd.getByRole('progressbar', { name: 'Compare progress' })).toHaveAttribute('aria-valuenow', '100');
  await expect(list(page).getByRole('button', { name: /^diff 0x3200/ })).toBeVisible();
  await expect(list(page).getByRole('button', { name: /^diff 0x20000/ })).toBeVisible();
  await expect(panel(page).getByRole('img', { name: 'Mismatch overview' })).toHaveAttribute('data-ranges', '4');
  await sd.screenshot({ path: screenshotPath('sector-diff-compare') });
});

test('a 4 GiB pair: scaled scrolling, jumps near the end, the overview, a compare that skips holes, and a cancelled compare', async ({ page }) => {
  const d = dir();
  const size = 4 * 1024 ** 3;
  const rawFile = join(d, 'big-raw.img');
  const testFile = join(d, 'big-test.img');
  for (const f of [rawFile, testFile]) {
    const fd = openSync(f, 'w');
    ftruncateSync(fd, size);
    if (f === testFile) {
      writeSync(fd, Buffer.from('corrupt!'), 0, 8, size - 4096 + 16);
      writeSync(fd, Buffer.from('X'), 0, 1, 3 * 1024 ** 3);
    }
    closeSync(fd);
  }
  await callEngine('openImage', { filename: blkverify(rawFile, testFile), format: 'raw' });
  await openPage(page);
  const sd = panel(page);
  const rows = sd.getByRole('group', { name: 'Hex rows' });
  await expect(rows).toHaveAttribute('data-scaled', 'true');
  await expect(sd).toContainText('8388608 sectors');

  // Jump to the last sector by number, then to a byte offset with a unit.
  const goto = sd.getByRole('textbox', { name: 'Go to sector' });
  await goto.fill(String(size / 512 - 8));
  await goto.press('Enter');
  const near = rowAt(page, size - 4096 + 16);
  await expect(near.locator('.sd-hex-b .sd-d')).toHaveCount(8);
  expect(await rowHex(near, 'b')).toBe(Buffer.from('corrupt!').toString('hex') + '00'.repeat(8));
  await expect(sd).toHaveAttribute('data-jump-offset', String(size - 4096));
  const ms = Number(await sd.getAttribute('data-jump-ms'));
  expect(ms).toBeGreaterThanOrEqual(0);
  test.info().annotations.push({ type: 'jump-ms (4 GiB, to the last sectors)', description: String(ms) });
  expect(await page.evaluate(() => (window as { __blkstudioDiffJumpMs?: number }).__blkstudioDiffJumpMs)).toBe(ms);
  // More jumps, each to a sector not yet read (the numbers go to the report's annotations).
  const times: number[] = [];
  for (const sector of [123_456, 4_000_000, 7_777_777, 2_222_222, 6_000_001]) {
    await goto.fill(String(sector));
    await goto.press('Enter');
    await expect(sd).toHaveAttribute('data-jump-offset', String(sector * 512));
    await expect(rowAt(page, sector * 512)).toHaveClass(/sd-cursor/);
    times.push(Number(await sd.getAttribute('data-jump-ms')));
  }
  test.info().annotations.push({ type: 'jump-ms (4 GiB, 5 more jumps)', description: times.join(', ') });
  await goto.fill('3G');
  await goto.press('Enter');
  await expect(rowAt(page, 3 * 1024 ** 3).locator('.sd-hex-b .sd-d')).toHaveCount(1);
  await sd.screenshot({ path: screenshotPath('sector-diff-4g') });

  // Scrolling by the wheel moves by rows even in the scaled model.
  await expect(rows).toHaveAttribute('data-top-offset', String(3 * 1024 ** 3 - 7 * 16));
  await rows.hover();
  await page.mouse.wheel(0, 18 * 3);
  await expect(rows).toHaveAttribute('data-top-offset', String(3 * 1024 ** 3 - 4 * 16));
  await page.mouse.wheel(0, -18);
  await expect(rows).toHaveAttribute('data-top-offset', String(3 * 1024 ** 3 - 5 * 16));

  // The overview jumps where clicked (its middle: about 2 GiB).
  const overview = sd.getByRole('img', { name: 'Mismatch overview' });
  const box = (await overview.boundingBox())!;
  await overview.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await expect(async () => {
    const off = Number(await sd.getAttribute('data-jump-offset'));
    expect(Math.abs(off - size / 2)).toBeLessThan(size / 50);
  }).toPass();

  // The whole-image compare skips the holes (SEEK_DATA) and finds both corruptions at once.
  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(sd.getByLabel('Compare status')).toContainText(/complete: .* differ/);
  await expect(sd.getByRole('button', { name: 'Compare whole image' })).toBeEnabled();

  // A pair of real data takes long enough to cancel.
  const dense = 512 * 1024 ** 2;
  const chunk = Buffer.alloc(1024 ** 2, 0x5a);
  const denseRaw = join(d, 'dense-raw.img');
  const denseTest = join(d, 'dense-test.img');
  for (const f of [denseRaw, denseTest]) {
    const fd = openSync(f, 'w');
    for (let at = 0; at < dense; at += chunk.length) writeSync(fd, chunk, 0, chunk.length, at);
    closeSync(fd);
  }
  await callEngine('openImage', { filename: blkverify(denseRaw, denseTest), format: 'raw' });
  await expect(sd).toContainText('1048576 sectors');
  // Cancel the moment the button shows (a Playwright click waits for it to be stable, by
  // which time 1 GiB of page cache may be compared already).
  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const tryClick = () => {
          const panel = document.querySelector('[aria-label="Sector diff"]');
          // Enabled once the engine has answered with the compare's id.
          const cancel = [...(panel?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Cancel' && !b.disabled);
          if (cancel) {
            cancel.click();
            resolve();
          } else requestAnimationFrame(tryClick);
        };
        tryClick();
      }),
  );
  await expect(sd.getByLabel('Compare status')).toContainText('cancelled at');
  const pct = Number(await sd.getByRole('progressbar', { name: 'Compare progress' }).getAttribute('aria-valuenow'));
  expect(pct).toBeLessThan(100);
  await expect(sd.getByRole('button', { name: 'Compare whole image' })).toBeEnabled();
  await sd.screenshot({ path: screenshotPath('sector-diff-cancelled') });
});

test('without a blkverify node the panel explains how to get one, and two nodes can be picked', async ({ page }) => {
  const d = dir();
  const file = join(d, 'plain.img');
  const buf = Buffer.alloc(64 * 1024, 0x11);
  writeFileSync(file, buf);
  await callEngine('openImage', { filename: `blkdebug::${file}`, format: 'raw' });
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
  const sd = panel(page);
  await sd.scrollIntoViewIfNeeded();
  await expect(sd).toContainText('This image has no blkverify node. Open blkverify:RAW:TEST');
  await sd.screenshot({ path: screenshotPath('sector-diff-empty') });

  // Two nodes of the stack: the format node and its protocol child read the same bytes.
  const options = await sd.getByRole('combobox', { name: 'Side A' }).locator('option').allTextContents();
  expect(options.length).toBeGreaterThanOrEqual(3);
  const values = await sd.getByRole('combobox', { name: 'Side A' }).locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value).filter(Boolean));
  await sd.getByRole('combobox', { name: 'Side A' }).selectOption(values[0]);
  await sd.getByRole('combobox', { name: 'Side B' }).selectOption(values[values.length - 1]);
  await expect(rowAt(page, 0)).toBeVisible();
  expect(await rowHex(rowAt(page, 0), 'a')).toBe('11'.repeat(16));
  expect(await rowHex(rowAt(page, 0), 'b')).toBe('11'.repeat(16));
  await sd.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(sd.getByLabel('Compare status')).toContainText('complete: identical');
});
