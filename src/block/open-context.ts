// What a driver's open may use: the host, the graph, the node's flags, and a way to open its
// children (which returns a BdrvChild edge, never the child's driver).
import type { BdrvChild, ChildRole } from './child';
import type { BlockHost } from './block-host';
import type { BlockNode } from './node';
import type { QDict } from './qdict';

export interface OpenContext {
  readonly host: BlockHost;
  /** Non-fatal messages for stderr (QEMU's warn_report), verbatim with trailing newline. */
  warn(text: string): void;
  /** printf to the tool's stdout (blkdebug: "Suspended request 'TAG'"). */
  print(text: string): void;
  /** stderr + exit(1) where the tool may die like QEMU (see OpenHooks.fatal); absent in the app. */
  readonly fatal?: (text: string) => never;
  /**
   * Open (or take the already opened) child `name` of `parent` from the parent's options
   * (`name.*` keys or a `name` node reference). Throws QEMU's message when it is missing.
   */
  openChild(parent: BlockNode, options: QDict, name: string, role: ChildRole, opts?: ChildOpenOptions): Promise<BdrvChild>;
}

export interface ChildOpenOptions {
  /** A filename for the child (blkdebug:cfg:IMAGE passes IMAGE this way). */
  filename?: string;
  /** Open the child as a protocol node (no format probing), as bdrv_open_file_child does. */
  protocolOnly?: boolean;
  /** Open the child read-only whatever the parent is (backing files). */
  readOnly?: boolean;
}
