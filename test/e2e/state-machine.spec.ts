// The state machine view against the real engine in web mode: rules applied in the session show
// as states, set-state edges and inject-error badges; qemu-io writes move the current state and
// the hit counts live, without reloading.
import { expect, test } from './guard';
import { callEngine, freshSession } from './engine';
import { E2E_TOKEN, SEEDS_RULES, screenshotPath } from './project';
import type { Page } from '@playwright/test';
import type { RuleDiagnostic, RunResult, SessionSnapshot } from '../../src/api';


const region = (page: Page) => page.getByRole('region', { name: 'State machine' });
const stateNode = (page: Page, n: number | 'any') => region(page).getByRole('button', { name: n === 'any' ? 'Any state' : `State ${n}`, exact: true });

async function applyRules(text: string): Promise<void> {
  const diagnostics = await callEngine<RuleDiagnostic[]>('applyRules', { text });
  expect(diagnostics).toEqual([]);
}

let image = '';

test.beforeEach(async () => {
  image = await freshSession();
});

test("the seeds' rules: state 1 → 2 on write_aio, then EIO; the view follows live", async ({ page }) => {
  await applyRules(SEEDS_RULES);
  await page.goto(`/?token=${E2E_TOKEN}`);

  const edge = region(page).getByRole('button', { name: 'set-state write_aio: 1 → 2', exact: true });
  const badge = region(page).getByRole('button', { name: 'inject-error write_aio in state 2', exact: true });
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  await expect(stateNode(page, 2)).toBeVisible();
  await expect(stateNode(page, 2)).not.toHaveAttribute('aria-current');
  await expect(region(page).locator('[aria-current]')).toHaveCount(1);
  await expect(stateNode(page, 'any')).toHaveCount(0);
  await expect(edge).toBeVisible();
  await expect(edge).toContainText('write_aio ×0');
  await expect(badge).toContainText('EIO on write_aio');
  await expect(badge).toContainText('×0');

  // The first write takes the transition (no reload: the event stream drives the view).
  const run1 = await callEngine<RunResult>('run', 'write 0 512');
  expect(run1.stdout).toContain('wrote 512/512 bytes at offset 0');
  await expect(stateNode(page, 2)).toHaveAttribute('aria-current', 'true');
  // The taken edge glows and state 2 pulses.
  await expect(region(page).locator('.sm-fx .sm-glow')).toHaveCount(1);
  await expect(stateNode(page, 1)).not.toHaveAttribute('aria-current');
  await expect(edge).toContainText('write_aio ×1');
  await expect(badge).toContainText('×0');

  // The second write, in state 2, fails with EIO: the badge counts the hit and the failure.
  const run2 = await callEngine<RunResult>('run', 'write 0 512');
  expect(run2.stdout + run2.stderr).toContain('write failed: Input/output error');
  await expect(badge).toContainText('×1 · 1 failed');
  await expect(edge).toContainText('write_aio ×1');
  await expect(stateNode(page, 2)).toHaveAttribute('aria-current', 'true');

  // Selecting: click the edge, then Enter on the badge; one highlighted at a time.
  await edge.click();
  await expect(edge).toHaveAttribute('data-selected', 'true');
  await badge.focus();
  await page.keyboard.press('Enter');
  await expect(badge).toHaveAttribute('data-selected', 'true');
  await expect(edge).not.toHaveAttribute('data-selected');
  // Clicking a state selects its first rule: state 1's is the edge.
  await stateNode(page, 1).click();
  await expect(edge).toHaveAttribute('data-selected', 'true');

  // The transition's glow and pulse are gone after ~600 ms.
  await expect(region(page).locator('.sm-fx')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('state-machine-seeds') });
  await region(page).screenshot({ path: screenshotPath('state-machine-seeds-panel') });
});

test('state-0 rules and breakpoints live in the Any state box; reduced motion skips the effects', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await applyRules(`[set-state]
event = "read_aio"
new_state = "3"

[inject-error]
event = "flush_to_disk"
errno = "28"
`);
  await callEngine('run', 'break write_aio A');
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(stateNode(page, 'any')).toBeVisible();
  await expect(region(page).getByRole('button', { name: 'set-state read_aio: any → 3', exact: true })).toBeVisible();
  await expect(region(page).getByRole('button', { name: 'inject-error flush_to_disk in any state', exact: true })).toContainText('ENOSPC on flush_to_disk');
  await expect(region(page).getByRole('button', { name: 'break write_aio · A', exact: true })).toBeVisible();
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');

  await callEngine<RunResult>('run', 'read 0 512');
  await expect(stateNode(page, 3)).toHaveAttribute('aria-current', 'true');
  // The state still changes at once; the glow is not drawn.
  const glow = region(page).locator('.sm-glow');
  if ((await glow.count()) > 0) await expect(glow.first()).toHaveCSS('display', 'none');
  await callEngine('removeBreakpoint', { tag: 'A' });
});

test('several blkdebug nodes: a "blkdebug node" select picks the one shown', async ({ page }) => {
  await callEngine('openImage', { filename: `blkdebug::blkdebug::${image}`, format: 'raw' });
  const names = (await callEngine<SessionSnapshot>('snapshot')).blkdebug.map((b) => b.node);
  expect(names).toHaveLength(2);
  const diagnostics = await callEngine<RuleDiagnostic[]>('applyRules', { node: names[1], text: '[set-state]\nevent = "read_aio"\nstate = "1"\nnew_state = "5"\n' });
  expect(diagnostics).toEqual([]);
  await page.goto(`/?token=${E2E_TOKEN}`);
  const select = region(page).getByLabel('blkdebug node');
  await expect(select).toHaveValue(names[0]!);
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  await expect(stateNode(page, 5)).toHaveCount(0);
  await select.selectOption(names[1]!);
  await expect(stateNode(page, 5)).toBeVisible();
  await expect(region(page).getByRole('button', { name: 'set-state read_aio: 1 → 5', exact: true })).toBeVisible();
  await region(page).screenshot({ path: screenshotPath('state-machine-nodes') });
});

test('no blkdebug node: the view says how to get one', async ({ page }) => {
  await callEngine('openImage', { filename: image, format: 'raw' });
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(region(page).getByText('Open an image under blkdebug, e.g. blkdebug::disk.raw, to see its state machine')).toBeVisible();
  await expect(region(page).getByRole('button', { name: /^State / })).toHaveCount(0);
});

test('no rules: state 1 alone, current; zoom buttons and the wheel change the view', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  await expect(region(page).getByRole('button', { name: /^State / })).toHaveCount(1);

  const svg = region(page).getByRole('group', { name: 'State diagram' });
  const viewBox = () => svg.getAttribute('viewBox');
  const fitted = await viewBox();
  await region(page).getByRole('button', { name: 'Zoom in' }).click();
  const zoomed = await viewBox();
  expect(zoomed).not.toBe(fitted);
  const width = (vb: string | null) => Number(vb!.split(' ')[2]);
  expect(width(zoomed)).toBeLessThan(width(fitted));
  await region(page).getByRole('button', { name: 'Zoom out' }).click();
  await region(page).getByRole('button', { name: 'Zoom out' }).click();
  expect(width(await viewBox())).toBeGreaterThan(width(fitted));
  await region(page).getByRole('button', { name: 'Fit' }).click();
  await expect(svg).toHaveAttribute('viewBox', fitted!);

  // Wheel zoom and drag to pan.
  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -200);
  await expect.poll(async () => width(await viewBox())).toBeLessThan(width(fitted));
  const beforePan = (await viewBox())!;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 50, { steps: 5 });
  await page.mouse.up();
  const afterPan = (await viewBox())!;
  expect(Number(afterPan.split(' ')[0])).toBeLessThan(Number(beforePan.split(' ')[0]));
  expect(width(afterPan)).toBeCloseTo(width(beforePan));
});

test('a 20-state machine renders every state', async ({ page }) => {
  const sections: string[] = [];
  const events = ['write_aio', 'read_aio', 'flush_to_disk', 'pwritev', 'cluster_alloc'];
  for (let s = 1; s < 20; s++) sections.push(`[set-state]\nevent = "${events[s % 5]}"\nstate = "${s}"\nnew_state = "${s + 1}"\n`);
  for (const [a, b] of [[20, 1], [5, 2], [3, 9], [12, 4], [7, 7], [15, 18], [18, 10], [2, 17], [19, 6], [8, 14]] as const) {
    sections.push(`[set-state]\nevent = "${events[(a + b) % 5]}"\nstate = "${a}"\nnew_state = "${b}"\n`);
  }
  for (const s of [2, 7, 13, 20]) sections.push(`[inject-error]\nevent = "write_aio"\nstate = "${s}"\nerrno = "28"\n`);
  await applyRules(sections.join('\n'));
  await page.goto(`/?token=${E2E_TOKEN}`);
  for (let s = 1; s <= 20; s++) await expect(stateNode(page, s)).toBeVisible();
  await expect(region(page).getByRole('button', { name: /^set-state / })).toHaveCount(29);

  // Fitted: every state box lies inside the canvas.
  const canvas = (await region(page).getByRole('group', { name: 'State diagram' }).boundingBox())!;
  for (let s = 1; s <= 20; s++) {
    const b = (await stateNode(page, s).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(canvas.x - 1);
    expect(b.y).toBeGreaterThanOrEqual(canvas.y - 1);
    expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width + 1);
    expect(b.y + b.height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
  }
  await page.screenshot({ path: screenshotPath('state-machine-20') });
  await region(page).screenshot({ path: screenshotPath('state-machine-20-panel') });

  // Zoomed in (about the centre), the middle of the machine is readable.
  const zoomIn = region(page).getByRole('button', { name: 'Zoom in' });
  for (let i = 0; i < 10; i++) await zoomIn.click();
  await expect.poll(async () => (await stateNode(page, 10).boundingBox())!.height).toBeGreaterThan(28);
  await region(page).screenshot({ path: screenshotPath('state-machine-20-zoomed') });
});
