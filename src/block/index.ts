// Public surface of the block layer for qemu-io, sessions and hosts.
export type { BlockBackendApi, OpenRequest, ReopenRequest, AllocationStatus, CacheMode, DiscardMode, AioMode } from './block-backend-api';
export type { BlockHost, HostFile, HostOpenFlags, RawZlib } from './block-host';
export type { DriverInfo, PreallocMode } from './driver';
export {
  BDRV_BLOCK_DATA,
  BDRV_BLOCK_ZERO,
  BDRV_REQ_FUA,
  BDRV_REQ_MAY_UNMAP,
  BDRV_REQ_NO_FALLBACK,
} from './driver';
// What an NBD export asks of the exported node besides I/O (base:allocation, allocation depth).
export { bdrvBlockStatusAbove, bdrvIsAllocated } from './io';
export { BlockError, QemuAbort, QemuError, strerror, toErrno, EIO, EINVAL, ENOTSUP, EPERM, ENOMEDIUM } from './errors';
export { openBlockBackend } from './open';
export { readHostPrefix, readFrom } from './host-read';
export { parseKeyValueOptions } from './qdict';
export {
  findBlkdebugEngines,
  lintRuleFile,
  loadRuleFile,
  outlineRuleFile,
  rulesToText,
  BlkdebugEngine,
  IO_TYPES,
  type BlkdebugEngineEvent,
  type ConfigDiagnostic,
  type Rule,
  type RuleSpec,
  type SuspendedRequest,
} from './drivers/blkdebug';
export type { BlockBackend } from './block-backend';
export type { TraceEvent, TraceHook } from './trace';
export { checkQcow2Node, findQcow2Nodes, type CheckResult } from './drivers/qcow2';
export { findBlkverifyNodes, mismatchMessage, type BlkverifyNode, type VerifyMismatch } from './drivers/blkverify';
export { BdrvChild } from './child';
export { nodesBelow, type BlockNode } from './node';
export * from './compare';
