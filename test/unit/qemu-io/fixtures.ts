// Outputs of the real qemu-io 7.2 (fixtures/capture.py regenerates them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Run {
  args: string[];
  stdin: string;
  stdout: string;
  stderr: string;
  /** stdout and stderr through one pipe (`2>&1`). */
  combined: string;
  status: number;
}

export interface Fixtures {
  cvtnum: { arg: string; stdout: string; stderr: string }[];
  cvtstr: { value: number; text: string }[];
  runs: Run[];
  dumps: { offset: number; length: number; data: number[]; text: string }[];
  /** qemu-io on a terminal: keys typed (bytes as chars) and what the terminal showed. */
  ttyRuns: { keys: string; output: string }[];
}

export const fixtures: Fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'qemu-io-7.2.json'), 'utf8'));
