// Types for cases-blkdebug.mjs.
import type { IoCase } from './cases.mjs';

export const blkdebugCases: IoCase[];
