// Types for cases-blkverify.mjs.
import type { IoCase } from './cases.mjs';

export const blkverifyCases: IoCase[];
