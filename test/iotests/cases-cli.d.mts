// Types for cases-cli.mjs.
import type { IoCase } from './cases.mjs';

export const cliCases: IoCase[];
