// blkdebug event traces: every scenario of scenarios.mjs runs through blkstudio-io with the
// interactive break/resume driver (driver.mjs) and must produce exactly the event sequences,
// result lines, stderr and exit status that the REAL qemu-io 7.2 produced (golden/<name>.json,
// written by `node scripts/gen-traces.mjs`). When qemu-io 7.2 is installed, a live differential
// runs both tools side by side as well.
//   BLKSTUDIO_IO=/usr/bin/qemu-io npx vitest run test/trace   checks the driver itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as harness from '../iotests/harness.mjs';
import { comparable, runScenario, TRACE_GOLDEN_DIR, traceText, type Trace } from './driver.mjs';
import { scenarios as allScenarios } from './scenarios.mjs';

const only = (process.env.IOTESTS_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const scenarios = only.length ? allScenarios.filter((s) => only.some((o) => s.name.includes(o))) : allScenarios;
const problem = harness.blkstudioIoProblem();
const version = harness.checkQemuIoVersion();
const TIMEOUT_MS = 120_000;


function diffTraces(expected: Trace, actual: Trace, labelA: string, labelB: string): string | null {
  if (JSON.stringify(comparable(expected)) === JSON.stringify(comparable(actual))) return null;
  return harness.lineDiff(traceText(expected), traceText(actual), { labelA, labelB });
}

describe('trace golden files', () => {
  it('every scenario has a golden file and every golden file has a scenario', () => {
    const files = readdirSync(TRACE_GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort();
    const names = allScenarios.map((s) => `${s.name}.json`).sort();
    expect({ missing: names.filter((n) => !files.includes(n)), stale: files.filter((f) => !names.includes(f)) }, 'run `node scripts/gen-traces.mjs` (needs qemu-io 7.2)').toEqual({ missing: [], stale: [] });
  });
});

if (problem) {
  describe('blkstudio-io event traces', () => {
    it('has a built blkstudio-io', () => {
      throw new Error(problem);
    });
  });
} else {
  const limit = harness.createLimiter(2);
  describe.concurrent(`${harness.blkstudioIoCommand().label} event traces`, () => {
    it.each(scenarios.map((s) => [s.name, s] as const))(
      'golden %s',
      async (_name, scenario) => {
        const path = join(TRACE_GOLDEN_DIR, `${scenario.name}.json`);
        if (!existsSync(path)) throw new Error(`no golden file ${path}: run \`node scripts/gen-traces.mjs\``);
        const golden = JSON.parse(readFileSync(path, 'utf8')) as Trace;
        const ours = (await limit(() => runScenario(harness, scenario, 'ours'))) as Trace;
        const d = diffTraces(golden, ours, 'golden (qemu-io 7.2)', 'blkstudio-io');
        if (d) throw new Error(`scenario ${scenario.name} differs from ${path}:\n${d}`);
      },
      TIMEOUT_MS,
    );
    if (version.ok) {
      it.each(scenarios.map((s) => [s.name, s] as const))(
        'live vs qemu-io %s',
        async (_name, scenario) => {
          const qemu = (await limit(() => runScenario(harness, scenario, 'qemu'))) as Trace;
          const ours = (await limit(() => runScenario(harness, scenario, 'ours'))) as Trace;
          const d = diffTraces(qemu, ours, `qemu-io ${version.version}`, 'blkstudio-io');
          if (d) throw new Error(`scenario ${scenario.name}: blkstudio-io differs from qemu-io:\n${d}`);
        },
        TIMEOUT_MS,
      );
    }
  });
}
