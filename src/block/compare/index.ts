// Comparing two images sector by sector: the diff stream for UIs and qemu-img compare's procedure.
export { diffChildren, readSectorPair, type CancelToken, type DiffChunk, type DiffOptions, type DiffRange } from './sector-diff';
export { imgCompare, COMPARE_DIFFERENT, COMPARE_IDENTICAL, COMPARE_READ_ERROR, COMPARE_STATUS_ERROR, type ImgCompareHooks, type ImgCompareOptions } from './img-compare';
export { chainBlockStatus, type ChainStatus } from './status-above';
export { scanUnits } from './mismatch-scan';
export { CompareReadError, CompareStatusError } from './compare-walk';
