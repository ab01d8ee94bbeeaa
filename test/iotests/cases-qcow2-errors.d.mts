// Types for cases-qcow2-errors.mjs.
import type { IoCase } from './cases.mjs';

export const qcow2ErrorCases: IoCase[];
