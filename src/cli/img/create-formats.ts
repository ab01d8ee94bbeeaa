// The -o option lists of qemu-img 7.2's create for the formats blkstudio can create, in the
// order qemu_opts_print shows them (format options, then the file protocol's).

import type { OptDesc } from './qemu-opts';

const PROTOCOL_OPTS: OptDesc[] = [
  { name: 'nocow', type: 'bool', help: 'Turn off copy-on-write (valid only on btrfs)' },
  { name: 'extent_size_hint', type: 'size', help: 'Extent size hint for the image file, 0 to disable' },
];

export const RAW_CREATE_OPTS: OptDesc[] = [
  { name: 'size', type: 'size', help: 'Virtual disk size' },
  PROTOCOL_OPTS[0],
  { name: 'preallocation', type: 'string', help: 'Preallocation mode (allowed values: off, falloc, full)' },
  PROTOCOL_OPTS[1],
];

export const QCOW2_CREATE_OPTS: OptDesc[] = [
  { name: 'encrypt.format', type: 'string', help: "Encrypt the image, format choices: 'aes', 'luks'" },
  { name: 'encryption', type: 'bool', help: "Encrypt the image with format 'aes'. (Deprecated in favor of encrypt.format=aes)" },
  { name: 'cluster_size', type: 'size', help: 'qcow2 cluster size', def: '65536' },
  { name: 'extended_l2', type: 'bool', help: 'Extended L2 tables', def: 'off' },
  { name: 'preallocation', type: 'string', help: 'Preallocation mode (allowed values: off, metadata, falloc, full)' },
  { name: 'compression_type', type: 'string', help: 'Compression method used for image cluster compression', def: 'zlib' },
  { name: 'size', type: 'size', help: 'Virtual disk size' },
  { name: 'compat', type: 'string', help: 'Compatibility level (v2 [0.10] or v3 [1.1])' },
  { name: 'backing_file', type: 'string', help: 'File name of a base image' },
  { name: 'backing_fmt', type: 'string', help: 'Image format of the base image' },
  { name: 'data_file', type: 'string', help: 'File name of an external data file' },
  { name: 'data_file_raw', type: 'bool', help: 'The external data file must stay valid as a raw image' },
  { name: 'encrypt.key-secret', type: 'string', help: 'ID of secret providing qcow AES key or LUKS passphrase' },
  { name: 'encrypt.cipher-alg', type: 'string', help: 'Name of encryption cipher algorithm' },
  { name: 'encrypt.cipher-mode', type: 'string', help: 'Name of encryption cipher mode' },
  { name: 'encrypt.ivgen-alg', type: 'string', help: 'Name of IV generator algorithm' },
  { name: 'encrypt.ivgen-hash-alg', type: 'string', help: 'Name of IV generator hash algorithm' },
  { name: 'encrypt.hash-alg', type: 'string', help: 'Name of encryption hash algorithm' },
  { name: 'encrypt.iter-time', type: 'number', help: 'Time to spend in PBKDF in milliseconds' },
  { name: 'lazy_refcounts', type: 'bool', help: 'Postpone refcount updates', def: 'off' },
  { name: 'refcount_bits', type: 'number', help: 'Width of a reference count entry in bits', def: '16' },
  ...PROTOCOL_OPTS,
];

/** Options blkstudio parses but cannot honour: refused with a clear message. */
export const QCOW2_UNSUPPORTED = ['encrypt.', 'encryption'];

function typeLabel(d: OptDesc): string {
  return d.type === 'bool' ? 'bool (on/off)' : d.type === 'string' ? 'str' : d.type === 'number' ? 'num' : 'size';
}

/** print_block_option_help's list: sorted by name, "  name=<type>" padded to 24 columns. */
export function optionHelp(fmt: 'raw' | 'qcow2', withProtocol: boolean): string {
  const all = fmt === 'raw' ? RAW_CREATE_OPTS : QCOW2_CREATE_OPTS;
  const descs = withProtocol ? all : all.filter((d) => !PROTOCOL_OPTS.includes(d) && !(fmt === 'raw' && d.name === 'preallocation'));
  const lines = [...descs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => {
      const head = `  ${d.name}=<${typeLabel(d)}>`;
      return `${head.padEnd(24)} - ${d.help}`;
    });
  const title = withProtocol ? 'Supported options:' : `Supported ${fmt} options:`;
  const tail = withProtocol ? '' : '\nThe protocol level may support further options.\nSpecify the target filename to include those options.\n';
  return `${title}\n${lines.join('\n')}\n${tail}`;
}
