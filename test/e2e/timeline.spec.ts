// The Timeline panel against the real engine in web mode: qemu-io writes and reads, and a
// blkdebug inject-error, show up per node (checked through the panel's accessible list of the
// items in view); the filters narrow it down; clicking the injected error's marker on the
// canvas selects the rule that fired.
import type { Page } from '@playwright/test';
import type { RuleDiagnostic, RunResult } from '../../src/api';
import { callEngine, freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, SEEDS_RULES, screenshotPath } from './project';

const region = (page: Page) => page.getByRole('region', { name: 'Timeline' });
const rows = (page: Page) => region(page).getByRole('table', { name: 'Timeline events' }).locator('tbody tr');
const details = (page: Page) => region(page).getByRole('complementary', { name: 'Timeline selection' });

/** The accessible list as [type, operation, result] triples. */
async function listed(page: Page): Promise<Array<{ type: string; node: string; op: string; offset: string; result: string; rule: string }>> {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => {
      const c = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
      return { type: c[2]!, node: c[1]!, op: c[3]!, offset: c[4]!, result: c[6]!, rule: c[7]! };
    }),
  );
}

test('requests, debug events and an injected error per node; filters; click selects the rule', async ({ page }) => {
  await freshSession();
  const diagnostics = await callEngine<RuleDiagnostic[]>('applyRules', { text: SEEDS_RULES });
  expect(diagnostics).toEqual([]);
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
  await region(page).scrollIntoViewIfNeeded();

  const w1 = await callEngine<RunResult>('run', 'write -P 0x11 0 4096');
  expect(w1.stdout).toContain('wrote 4096/4096 bytes at offset 0');
  const r1 = await callEngine<RunResult>('run', 'read -P 0x11 0 4096');
  expect(r1.stdout).toContain('read 4096/4096 bytes at offset 0');
  // The second write (state 2) fails with EIO.
  const w2 = await callEngine<RunResult>('run', 'write -P 0x22 8192 4096');
  expect(w2.stdout + w2.stderr).toContain('write failed: Input/output error');

  // Everything shows: completed writes and reads, the blkdebug activity, the injected error.
  await expect(rows(page).filter({ hasText: 'error-injected' })).toHaveCount(1);
  const all = await listed(page);
  const requests = all.filter((r) => r.type === 'request');
  expect(requests.filter((r) => r.op === 'write' && r.offset === '0' && r.result === 'ok').length).toBeGreaterThanOrEqual(2);
  expect(requests.filter((r) => r.op === 'read' && r.offset === '0' && r.result === 'ok').length).toBeGreaterThanOrEqual(2);
  expect(requests.filter((r) => r.op === 'write' && r.offset === '8192' && r.result === 'errno 5 (EIO)').length).toBeGreaterThanOrEqual(1);
  expect(all.some((r) => r.type === 'state-changed')).toBe(true);
  expect(all.some((r) => r.type === 'rule-matched')).toBe(true);
  expect(all.some((r) => r.type === 'debug-event')).toBe(true);
  // One lane per node: the format node, blkdebug and its file all carry requests.
  expect(new Set(requests.map((r) => r.node)).size).toBeGreaterThanOrEqual(2);

  // Errors only: just the failed write (on each node it went through) and the injected error.
  const status = region(page).getByLabel('Timeline status');
  await region(page).getByLabel('Errors only').check();
  // The counts follow the filter: the items, requests in flight and lanes shown, of all.
  await expect(status).toContainText(/^\d+ of \d+ items · 0 of 0 in flight · \d+ of \d+ lanes/);
  const [, shown, total] = (await status.textContent())!.match(/^(\d+) of (\d+) items/)!.map(Number);
  expect(shown).toBeGreaterThanOrEqual(2);
  expect(shown).toBeLessThan(total!);
  await expect(rows(page).filter({ hasText: /^.*\bok$/ })).toHaveCount(0);
  await expect.poll(async () => (await listed(page)).every((r) => r.result !== 'ok')).toBe(true);
  const errors = await listed(page);
  expect(errors.length).toBeGreaterThanOrEqual(2);
  for (const r of errors) {
    expect(r.type === 'error-injected' || (r.type === 'request' && r.op === 'write' && r.offset === '8192' && r.result === 'errno 5 (EIO)'), JSON.stringify(r)).toBe(true);
  }
  await region(page).getByLabel('Errors only').uncheck();
  await expect(status).toContainText(/^\d+ items · 0 in flight · \d+ lanes/);

  // Operation filter: reads only.
  await region(page).getByRole('combobox', { name: 'Operation' }).selectOption('read');
  await expect.poll(async () => (await listed(page)).every((r) => r.op === 'read')).toBe(true);
  expect((await listed(page)).length).toBeGreaterThanOrEqual(2);
  await region(page).getByRole('combobox', { name: 'Operation' }).selectOption('');

  // Event type filter: only the blkdebug rule hits.
  await region(page).getByRole('combobox', { name: 'Event type' }).selectOption('rule-matched');
  await expect.poll(async () => (await listed(page)).every((r) => r.type === 'rule-matched')).toBe(true);
  expect((await listed(page)).length).toBeGreaterThanOrEqual(2);
  await region(page).getByRole('combobox', { name: 'Event type' }).selectOption('all');

  // Node filter: one lane.
  const injectedNode = (await listed(page)).find((r) => r.type === 'error-injected')!.node;
  await region(page).getByRole('combobox', { name: 'Node' }).selectOption(injectedNode);
  await expect.poll(async () => (await listed(page)).every((r) => r.node === injectedNode)).toBe(true);
  await region(page).getByRole('combobox', { name: 'Node' }).selectOption('');

  // Stop following so the markers stay put, then click the injected error on the canvas.
  const follow = region(page).getByRole('button', { name: 'Follow live' });
  await follow.click();
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  const marker = rows(page).filter({ hasText: 'error-injected' });
  await expect(marker).toHaveAttribute('data-x', /\d+/);
  const x = Number(await marker.getAttribute('data-x'));
  const y = Number(await marker.getAttribute('data-y'));
  // On the spot: the error wins over the rule-matched and debug ticks drawn beside it. (Off the
  // spot the nearest item wins, and on a slow machine a later tick can land a few px away; the
  // enlarged targets are covered in hit-area-counts.test.ts.)
  await region(page).getByRole('img', { name: /Timeline chart/ }).click({ position: { x, y } });
  await expect(details(page)).toContainText('error-injected');
  await expect(details(page)).toContainText('5 (EIO)');
  // The rule and the line of the editor's text it is written on (SEEDS_RULES: a comment first).
  const injectLine = SEEDS_RULES.split('\n').indexOf('[inject-error]') + 1;
  await expect(details(page)).toContainText(new RegExp(`Rule#\\d+ inject-error write_aio errno 5 in state 2 \\(line ${injectLine}\\)`));
  await expect(marker).toHaveAttribute('aria-selected', 'true');
  // The rule that fired is selected, as in the state machine view.
  const badge = page.getByRole('region', { name: 'State machine' }).getByRole('button', { name: 'inject-error write_aio in state 2', exact: true });
  await expect(badge).toHaveAttribute('data-selected', 'true');

  await region(page).screenshot({ path: screenshotPath('timeline') });
});

test('zoom and pan change the time span; Fit shows everything', async ({ page }) => {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
  await callEngine<RunResult>('run', 'write 0 512');
  const status = region(page).getByLabel('Timeline status');
  await expect(status).toContainText('span 10.00 s');
  await region(page).getByRole('button', { name: 'Zoom in' }).click();
  await expect(status).toContainText('span 5.00 s');
  await expect(region(page).getByRole('button', { name: 'Follow live' })).toHaveAttribute('aria-pressed', 'true');
  const chart = region(page).getByRole('img', { name: /Timeline chart/ });
  await chart.hover();
  await page.mouse.wheel(0, 400);
  await expect(status).not.toContainText('span 5.00 s');
  // Dragging pans and stops following.
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + 400, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 250, box.y + 40, { steps: 5 });
  await page.mouse.up();
  await expect(region(page).getByRole('button', { name: 'Follow live' })).toHaveAttribute('aria-pressed', 'false');
  await region(page).getByRole('button', { name: 'Fit' }).click();
  await expect(rows(page).filter({ hasText: 'request' }).first()).toBeAttached();
});

test('clicking a parked request on the timeline points at its row in Suspended requests', async ({ page }) => {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  // The page is subscribed to the event stream once it shows the session's graph.
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
  await callEngine('setBreakpoint', { event: 'write_aio', tag: 'T1' });
  await callEngine<RunResult>('run', 'aio_write -P 1 0 4k');
  const suspended = page.getByRole('region', { name: 'Suspended requests' });
  await expect(suspended.getByRole('table', { name: 'Parked requests' })).toContainText('T1');
  const marker = rows(page).filter({ hasText: 'request-suspended' });
  await expect(marker).toHaveCount(1);
  const follow = region(page).getByRole('button', { name: 'Follow live' });
  await follow.click();
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  await expect(marker).toHaveAttribute('data-x', /\d+/);
  const x = Number(await marker.getAttribute('data-x'));
  const y = Number(await marker.getAttribute('data-y'));
  await region(page).getByRole('img', { name: /Timeline chart/ }).click({ position: { x, y } });
  await expect(suspended.locator('tbody tr[aria-current="true"]')).toContainText('T1');
  await callEngine('resumeAll');
});
