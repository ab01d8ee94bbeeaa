// The backing file of a qcow2 image (bdrv_open_backing_file): named in the header relative to
// the image's own directory, opened read-only with the format from the backing-format extension,
// unless `backing` options say otherwise (`backing: null` opens none).
import type { BdrvChild } from '../../child';
import { QemuError, toErrno } from '../../errors';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import type { QDict } from '../../qdict';

/**
 * Host files of the chain being opened right now. QEMU's image locks make a chain that comes
 * back to a writable image fail ("Failed to get shared write lock"); a loop of read-only images
 * is refused here too instead of recursing forever.
 */
const chain = new Map<string, { writable: boolean }>();

/** The host file name under a node (its protocol node's filename). */
function protocolFilename(file: BdrvChild): string {
  let node: BlockNode = file.node;
  while (node.primaryChild) node = node.primaryChild.node;
  return node.filename;
}

/** bdrv_dirname: the directory of the protocol node under the image ("" for the current one). */
function baseDirectory(file: BdrvChild): string {
  const name = protocolFilename(file);
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(0, slash + 1) : '';
}

function normalise(name: string): string {
  return name.replace(/^\.\//, '').replace(/\/\.\//g, '/');
}

/** path_has_protocol / path_is_absolute: names used as they are. */
function usedAsIs(name: string): boolean {
  if (name.startsWith('/')) return true;
  const colon = name.indexOf(':');
  const slash = name.indexOf('/');
  return colon > 0 && (slash < 0 || colon < slash);
}

export async function openBacking(
  node: BlockNode,
  options: QDict,
  ctx: OpenContext,
  file: BdrvChild,
  backingFile: string,
  backingFormat: string,
): Promise<BdrvChild | null> {
  const ref = options.get('backing');
  if (options.has('backing') && ref === null) {
    options.delete('backing');
    return null;
  }
  const hasSubOptions = [...options.keys()].some((k) => k.startsWith('backing.'));
  if (!backingFile && ref === undefined && !hasSubOptions) return null;
  const filename = backingFile && !options.has('backing.file.filename') && !options.has('backing.filename')
    ? usedAsIs(backingFile) ? backingFile : baseDirectory(file) + backingFile
    : undefined;
  if (backingFormat && !options.has('backing.driver') && typeof ref !== 'string') options.set('backing.driver', backingFormat);
  const self = normalise(protocolFilename(file));
  const mine = !chain.has(self);
  if (mine) chain.set(self, { writable: !node.readOnly });
  try {
    const key = filename === undefined ? '' : normalise(filename);
    const seen = key ? chain.get(key) : undefined;
    if (seen?.writable) {
      throw new QemuError(`Failed to get shared "write" lock\nIs another process using the image [${filename}]?`, 11);
    }
    if (seen) throw new QemuError(`Backing file chain loops back to '${filename}'`, 40 /* ELOOP */);
    return await ctx.openChild(node, options, 'backing', 'backing', { filename, readOnly: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new QemuError(`Could not open backing file: ${msg}`, toErrno(e));
  } finally {
    if (mine) chain.delete(self);
  }
}
