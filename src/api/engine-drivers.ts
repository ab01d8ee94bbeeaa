// The drivers this build of the engine ships, by QEMU name. The UI and hosts read this list
// instead of importing src/block, which keeps main/ and renderer/ out of the engine (DESIGN.md §2).
export const ENGINE_DRIVERS: readonly string[] = Object.freeze(['file', 'raw', 'null-co', 'null-aio', 'blkdebug', 'blkverify', 'qcow2']);
