// Types for cases-qcow2.mjs.
import type { IoCase } from './cases.mjs';

export const qcow2Cases: IoCase[];
