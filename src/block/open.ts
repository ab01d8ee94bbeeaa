// Opening a graph from what qemu-io accepts (bdrv_open): a filename with format probing,
// `-f FMT`, protocol prefixes, `json:{...}` filenames, `-o key=value` options and --image-opts.
import { applyPermissions, attachPermissions, backendPerms } from './permissions';
import type { BlockBackendApi, CacheMode, OpenRequest } from './block-backend-api';
import { BlockBackend } from './block-backend';
import type { BlockHost } from './block-host';
import { BdrvChild, type ChildRole } from './child';
import type { BlockDriver, BlockLimits } from './driver';
import { DETECT_ZEROES, DISCARD_MODES } from './node-options';
import { QemuError, strerror, toErrno } from './errors';
import { bdrvPreadv } from './io';
import { parseJsonFilename } from './json-filename';
import { BlockGraph, BlockNode, DEFAULT_LIMITS, nodesBelow, type NodeFlags } from './node';
import type { ChildOpenOptions, OpenContext } from './open-context';
import { extractSubdict, OptionReader, parseKeyValueOptions, qdictFromStrings, type QDict } from './qdict';
import { type OverlayOptionRules, snapshotOverlayDriver, SnapshotOverlay } from './drivers/snapshot/snapshot';
import { joinQcow2Options, QCOW2_RUNTIME_OPTIONS, resolveQcow2Options, takeQcow2Options } from './drivers/qcow2/options';
import { findDriver, findProtocolDriver, PROBE_BUF_SIZE, probeFormat } from './registry';

export interface OpenHooks {
  /** Non-fatal messages QEMU prints to stderr at open (e.g. the "probing guessed raw" WARNING), verbatim with trailing newline. */
  warn(text: string): void;
  /** printf to stdout by drivers (blkdebug's "Suspended request" lines); dropped when absent. */
  print?(text: string): void;
  /**
   * fprintf(stderr, text) and exit(1), stdout flushed first, as blkverify does on a mismatch.
   * Only a tool that may die like QEMU (the qemu-io CLI) gives it; without it drivers recover.
   */
  fatal?(text: string): never;
}

/** Per-mode flags: [cache.direct, cache.no-flush, write cache enabled] (bdrv_parse_cache_mode). */
export const CACHE_MODES: Record<CacheMode, { direct: boolean; noFlush: boolean; writeback: boolean }> = {
  none: { direct: true, noFlush: false, writeback: true },
  off: { direct: true, noFlush: false, writeback: true },
  writeback: { direct: false, noFlush: false, writeback: true },
  writethrough: { direct: false, noFlush: false, writeback: false },
  directsync: { direct: true, noFlush: false, writeback: false },
  unsafe: { direct: false, noFlush: true, writeback: true },
};


function probedRawWarning(filename: string): string {
  return (
    `WARNING: Image format was not specified for '${filename}' and probing guessed raw.\n` +
    '         Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted.\n' +
    "         Specify the 'raw' format explicitly to remove the restrictions.\n"
  );
}

/** Opens nodes and remembers them, so a failed open closes what it had opened. */
class Opener implements OpenContext {
  readonly opened: BlockNode[] = [];
  /** A format's file child opened before the format (needed for probing). */
  private readonly preopened = new Map<BlockNode, BlockNode>();

  constructor(
    readonly host: BlockHost,
    readonly graph: BlockGraph,
    private readonly hooks: OpenHooks,
  ) {}

  warn(text: string): void {
    this.hooks.warn(text);
  }

  print(text: string): void {
    this.hooks.print?.(text);
  }

  get fatal(): ((text: string) => never) | undefined {
    return this.hooks.fatal;
  }

  async openChild(parent: BlockNode, options: QDict, name: string, role: ChildRole, opts: ChildOpenOptions = {}): Promise<BdrvChild> {
    const pre = name === 'file' ? this.preopened.get(parent) : undefined;
    let childNode: BlockNode | undefined = pre;
    if (!childNode) {
      const ref = options.get(name);
      options.delete(name);
      const sub = extractSubdict(options, name);
      if (typeof ref === 'string' && sub.size === 0) {
        childNode = this.findNode(ref);
      } else if (opts.filename === undefined && sub.size === 0) {
        throw new QemuError(`A block device must be specified for "${name}"`);
      } else {
        const flags = opts.readOnly ? { ...parent.flags, readOnly: true } : parent.flags;
        childNode = await this.openNode(opts.filename, sub, flags, opts.protocolOnly ?? false);
      }
    }
    const child = new BdrvChild(name, childNode, role, parent);
    parent.children.push(child);
    attachPermissions(parent, child);
    return child;
  }

  private findNode(name: string): BlockNode {
    for (const n of this.graph.nodes) if (n.nodeName === name) return n;
    throw new QemuError(`Cannot find device='${name}' nor node-name='${name}'`);
  }

  /** bdrv_open_inherit: one node and (for formats) its file child. */
  async openNode(filename: string | undefined, options: QDict, parentFlags: NodeFlags, protocolOnly: boolean): Promise<BlockNode> {
    if (filename !== undefined && filename.startsWith('json:')) {
      const json = parseJsonFilename(filename.slice(5));
      // Options given explicitly win over the ones in the json: filename.
      for (const [k, v] of json) if (!options.has(k)) options.set(k, v);
      filename = undefined;
    }
    const flags = this.takeNodeFlags(options, parentFlags);
    const nodeName = this.takeNodeName(options);
    const driverValue = options.get('driver');
    options.delete('driver');
    let drv: BlockDriver | undefined;
    if (typeof driverValue === 'string') {
      drv = findDriver(driverValue);
      if (!drv) throw new QemuError(`Unknown driver '${driverValue}'`);
    }

    if (!drv && protocolOnly) {
      // Only a filename given as such may carry a protocol prefix; a `filename` option is a
      // host file name, colons and all (bdrv_find_protocol with allow_protocol_prefix false).
      if (filename !== undefined) drv = findProtocolFor(filename);
      else if (stringOption(options, 'filename') !== undefined) drv = findDriver('file');
      else throw new QemuError('Must specify either driver or file');
    }
    if (drv && !drv.isFormat) return this.openProtocol(drv, filename, options, flags, nodeName);

    // A format: open its file child first, probe the format from it if none was given. Only a
    // positional filename names the file child; a `filename` option is not a format option.
    const fileRef = options.get('file');
    options.delete('file');
    const fileOpts = extractSubdict(options, 'file');
    const fname = filename;
    if (!drv && fname === undefined && fileOpts.size === 0 && fileRef === undefined) {
      throw new QemuError('Must specify either driver or file');
    }
    let fileNode: BlockNode;
    if (typeof fileRef === 'string' && fileOpts.size === 0) {
      fileNode = this.findNode(fileRef);
    } else if (fname === undefined && fileOpts.size === 0) {
      throw new QemuError('A block device must be specified for "file"');
    } else {
      fileNode = await this.openNode(fname, fileOpts, flags, true);
    }
    let probed = false;
    if (!drv) {
      drv = await this.probe(fileNode);
      probed = true;
      // raw_open warns only when the probed image may be written.
      if (drv.formatName === 'raw' && !flags.readOnly) this.warn(probedRawWarning(fileNode.filename));
    }
    const node = new BlockNode(this.graph, drv, nodeName ?? this.graph.autoNodeName(), fileNode.filename, flags);
    node.probed = probed;
    this.preopened.set(node, fileNode);
    this.opened.push(node);
    node.openOptions = openOptionsOf(options, drv, nodeName);
    node.drv = await drv.open(node, options, this);
    this.preopened.delete(node);
    const left = [...options.keys()];
    if (left.length > 0) throw new QemuError(`Block format '${drv.formatName}' does not support the option '${left[0]}'`);
    await finishNode(node);
    return node;
  }

  private async openProtocol(drv: BlockDriver, filename: string | undefined, options: QDict, flags: NodeFlags, nodeName: string | undefined): Promise<BlockNode> {
    if (filename !== undefined) {
      if (options.has('filename')) throw new QemuError("Can't specify 'file' and 'filename' options at the same time");
      if (drv.parseFilename) drv.parseFilename(filename, options);
      else options.set('filename', filename);
    }
    const node = new BlockNode(this.graph, drv, nodeName ?? this.graph.autoNodeName(), filename ?? stringOption(options, 'filename') ?? '', flags);
    this.opened.push(node);
    node.openOptions = openOptionsOf(options, drv, nodeName);
    node.drv = await drv.open(node, options, this);
    const left = [...options.keys()];
    if (left.length > 0) throw new QemuError(`Block protocol '${drv.formatName}' doesn't support the option '${left[0]}'`);
    await finishNode(node);
    return node;
  }

  /** find_image_format: read block 0 and let every format score it. */
  private async probe(fileNode: BlockNode): Promise<BlockDriver> {
    const raw = findDriver('raw');
    if (!raw) throw new QemuError("Unknown driver 'raw'");
    if (fileNode.totalBytes === 0) return raw;
    const buf = new Uint8Array(PROBE_BUF_SIZE);
    // A file shorter than the probe buffer is read up to its (sector-rounded) end.
    const n = Math.min(PROBE_BUF_SIZE, roundUpSector(fileNode.totalBytes));
    try {
      const edge = new BdrvChild('probe', fileNode, 'file', null);
      await bdrvPreadv(edge, 0, n, buf.subarray(0, n), 0);
    } catch (e) {
      throw new QemuError(`Could not read image for determining its format: ${strerror(toErrno(e))}`, toErrno(e));
    }
    const drv = probeFormat(buf, fileNode.filename);
    if (!drv) throw new QemuError('Could not determine image format: No compatible format found');
    if (typeof drv === 'string') {
      throw new QemuError(`Image '${fileNode.filename}' is in ${drv} format, which blkstudio cannot open yet; use -f raw to access its bytes`, 95);
    }
    return drv;
  }

  /** The generic per-node options (bdrv_runtime_opts), inheriting the parent's flags. */
  private takeNodeFlags(options: QDict, parent: NodeFlags): NodeFlags {
    const opts = new OptionReader(options);
    const flags: NodeFlags = { ...parent };
    const ro = opts.takeBool('read-only');
    if (ro !== undefined) flags.readOnly = ro;
    opts.takeBool('auto-read-only');
    const forceShare = opts.takeBool('force-share');
    if (forceShare !== undefined) flags.forceShare = forceShare;
    if (forceShare && !flags.readOnly) {
      throw new QemuError('force-share=on can only be used with read-only images');
    }
    const direct = opts.takeBool('cache.direct');
    if (direct !== undefined) flags.direct = direct;
    const noFlush = opts.takeBool('cache.no-flush');
    if (noFlush !== undefined) flags.noFlush = noFlush;
    const discard = options.has('discard') ? options.get('discard') : undefined;
    if (discard !== undefined) {
      options.delete('discard');
      if (!(DISCARD_MODES as readonly unknown[]).includes(discard)) throw new QemuError('Invalid discard option');
      flags.unmap = discard === 'unmap' || discard === 'on';
    }
    opts.takeEnum('detect-zeroes', DETECT_ZEROES);
    return flags;
  }

  private takeNodeName(options: QDict): string | undefined {
    const name = new OptionReader(options).takeString('node-name');
    if (name === undefined) return undefined;
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,30}$/.test(name)) throw new QemuError(`Invalid node-name: '${name}'`);
    for (const n of this.graph.nodes) {
      if (n.nodeName === name) throw new QemuError(`Duplicate nodes with node-name='${name}'`);
    }
    return name;
  }
}

/** What reopen may repeat unchanged: the options left for the driver, its name and a node-name given. */
function openOptionsOf(options: QDict, drv: BlockDriver, nodeName: string | undefined): QDict {
  const out: QDict = new Map([...options, ['driver', drv.formatName]]);
  if (nodeName !== undefined) out.set('node-name', nodeName);
  return out;
}

function stringOption(options: QDict, key: string): string | undefined {
  const v = options.get(key);
  return typeof v === 'string' ? v : undefined;
}

function roundUpSector(n: number): number {
  return Math.ceil(n / 512) * 512;
}

/** bdrv_find_protocol: `prefix:` before any '/' names a protocol; otherwise it is a host file. */
function findProtocolFor(filename: string): BlockDriver {
  const colon = filename.indexOf(':');
  const slash = filename.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash)) {
    const prefix = filename.slice(0, colon);
    const drv = findProtocolDriver(prefix);
    if (!drv) throw new QemuError(`Unknown protocol '${prefix}'`);
    return drv;
  }
  const file = findDriver('file');
  if (!file) throw new QemuError("Unknown protocol 'file'");
  return file;
}

/**
 * Limits and length once the driver is open (bdrv_refresh_limits, refresh_total_sectors): a node
 * inherits the smallest max-transfer of its children (so raw over a blkdebug with max-transfer
 * splits its own requests), then the driver's own limits apply where it sets them.
 */
async function finishNode(node: BlockNode): Promise<void> {
  const limits = { ...DEFAULT_LIMITS };
  for (const c of node.children) {
    const m = c.node.limits.maxTransfer;
    if (m && (!limits.maxTransfer || m < limits.maxTransfer)) limits.maxTransfer = m;
  }
  for (const [key, value] of Object.entries(node.drv.limits ?? {}) as Array<[keyof BlockLimits, number | undefined]>) {
    if (value) limits[key] = value;
  }
  node.limits = limits;
  node.totalBytes = await node.drv.getLength();
}

/** QEMU's overlay is a qcow2 image: its options are qcow2's. */
const OVERLAY_RULES: OverlayOptionRules = {
  check: async (options, geometry, unmap) => {
    await resolveQcow2Options(takeQcow2Options(options), geometry, unmap, false);
  },
  join: joinQcow2Options,
};

/** bdrv_append_temp_snapshot: a writable overlay over a read-only image, data in a scratch file. */
async function addSnapshotOverlay(host: BlockHost, graph: BlockGraph, image: BlockNode, flags: NodeFlags): Promise<BlockNode> {
  const { path, file } = await host.createTempFile();
  const overlayFlags = { ...flags, readOnly: false };
  const node = new BlockNode(graph, { ...snapshotOverlayDriver, runtimeOptions: QCOW2_RUNTIME_OPTIONS }, graph.autoNodeName(), '', overlayFlags);
  const base = new BdrvChild('backing', image, 'backing', node);
  // Attached after the image was opened: reopen does not pass `backing.*` options down to it.
  base.inherited = false;
  node.children.push(base);
  node.openOptions = new Map([['driver', 'qcow2']]);
  node.drv = new SnapshotOverlay(base, file, image.totalBytes, path, { ...overlayFlags }, OVERLAY_RULES);
  await finishNode(node);
  return node;
}

/**
 * A writer needs every node it writes through to be writable (QEMU's permission check): the
 * backend, unless opened read-only, and every read-write parent of a data child.
 */
function checkWritePermissions(root: BlockNode, backendWrites: boolean): void {
  if (backendWrites && root.readOnly) throw new QemuError('Block node is read-only', 1);
  for (const n of nodesBelow(root)) {
    for (const c of n.children) {
      if (c.role !== 'backing' && !n.readOnly && c.node.readOnly) throw new QemuError('Block node is read-only', 1);
    }
  }
}

/** Close nodes top-down (parents before their children). */
export async function closeNodes(nodes: readonly BlockNode[]): Promise<void> {
  for (const n of [...nodes].reverse()) {
    try {
      if (n.drv) await n.drv.close();
    } catch {
      // Closing is best effort: an error here must not hide the error that got us here.
    }
    n.graph.nodes.delete(n);
  }
}

/** Open an image the way qemu-io's open does. Throws QemuError with QEMU's message text (without the "can't open device X: " prefix). */
export async function openBlockBackend(host: BlockHost, req: OpenRequest, hooks: OpenHooks): Promise<BlockBackendApi & BlockBackend> {
  const graph = new BlockGraph();
  let filename = req.filename;
  let options: QDict;
  if (req.imageOpts) {
    options = qdictFromStrings(parseKeyValueOptions(filename ?? '', (t) => hooks.warn(`qemu-io: warning: ${t}`)));
    filename = undefined;
  } else {
    options = qdictFromStrings(req.options ?? {});
  }
  if (req.format !== undefined) options.set('driver', req.format);
  // qemu-io -U sets force-share on the root node.
  if (req.forceShare) options.set('force-share', 'on');
  const cache = CACHE_MODES[req.cache ?? 'writethrough'];
  const flags: NodeFlags = {
    readOnly: req.readOnly ?? false,
    direct: cache.direct,
    noFlush: cache.noFlush,
    unmap: req.discard === undefined || req.discard === 'unmap' || req.discard === 'on',
    nativeAio: req.aio === 'native',
  };
  const opener = new Opener(host, graph, hooks);
  try {
    // Snapshot mode: the image is only read; a temporary overlay on top takes the writes.
    const image = await opener.openNode(filename, options, req.snapshot ? { ...flags, readOnly: true } : flags, false);
    const root = req.snapshot ? await addSnapshotOverlay(host, graph, image, flags) : image;
    if (req.copyOnRead && root.readOnly) throw new QemuError("Can't use copy-on-read on read-only device");
    checkWritePermissions(root, !(req.readOnly ?? false));
    applyPermissions(root, backendPerms(req.readOnly ?? false));
    return new BlockBackend(root, cache.writeback, req.copyOnRead ?? false);
  } catch (e) {
    await closeNodes(opener.opened);
    throw e;
  }
}
