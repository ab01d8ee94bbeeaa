// The NBD differential cases: each one starts a server (real qemu-nbd 7.2, or `node bin/blkstudio nbd`)
// on a fixture made by the REAL qemu-img/qemu-io, runs real NBD clients against it (qemu-io,
// qemu-img, nbdinfo, nbdsh, nbdcopy) one after the other, then stops the server and hashes the images.
// scripts/gen-nbd-golden.mjs runs this table against qemu-nbd and writes test/nbd/golden/<name>.json;
// test/nbd/nbd.diff.test.ts runs it against our server and compares (test/nbd/harness.mjs).
//
// Placeholders in server args and client args: {SOCK} the unix socket (under the case's mkdtemp
// dir), {PORT} a free TCP port, {DIR} the case directory. `uri(name)` builds nbd+unix:///name?socket={SOCK}.
// persistent: the server gets -t and is killed (SIGTERM) after the last client; else it must exit by itself.

const U = (name = '') => `nbd+unix:///${name}?socket={SOCK}`;
const T = (name = '') => `nbd://127.0.0.1:{PORT}/${name}`;
const io = (uri, ...cmds) => ['qemu-io', '-f', 'raw', ...cmds.flatMap((c) => ['-c', c]), uri];
// nbdsh connects itself (no -u): strict mode off first, so requests libnbd would refuse client-side
// (writes to a read-only export, past the end) reach the server and show ITS reply.
const nbdsh = (uri, script) => ['nbdsh', '-c', `h.set_strict_mode(0)\nh.add_meta_context('base:allocation')\nh.connect_uri(${JSON.stringify(uri)})\n${script}`];

/** A qcow2 image with data, a zeroed cluster and holes (1 MiB, 64k clusters). */
const qcow2Fixture = (name = 'img.qcow2') => [
  ['qemu-img', 'create', '-q', '-f', 'qcow2', name, '1M'],
  ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x11 0 64k', '-c', 'write -P 0x22 192k 32k', '-c', 'write -z 512k 64k', '-c', 'write -P 0x33 960k 64k', name],
];
/** A raw image with patterns and a sparse middle. */
const rawFixture = (name = 'img.raw') => [
  ['qemu-img', 'create', '-q', '-f', 'raw', name, '1M'],
  ['qemu-io', '-f', 'raw', '-c', 'write -P 0xa1 0 128k', '-c', 'write -P 0xb2 640k 64k', name],
];
const rules = (...sections) => ['file', 'rules.cfg', sections.map((s) => `[inject-error]\n${Object.entries(s).map(([k, v]) => `${k} = "${v}"`).join('\n')}\n`).join('\n')];

const NBDSH_FLAGS = `for f in ['can_flush','can_fua','can_trim','can_zero','can_fast_zero','can_df','can_multi_conn','can_cache','is_read_only','is_rotational']:
    print(f, getattr(h, f)())
print('size', h.get_size())
print('structured', h.get_structured_replies_negotiated())
print('proto', h.get_protocol())
`;
const NBDSH_IO = `h.pwrite(b'\\x5a' * 8192, 4096)
print(h.pread(16, 4096).hex())
h.zero(65536, 131072)
print(h.pread(8, 131072).hex())
h.trim(65536, 655360)
h.flush()
exts = []
def cb(meta, off, entries, err):
    exts.append((meta, off, list(entries)))
h.block_status(1048576, 0, cb)
print(exts)
`;
const NBDSH_RO = `import nbd
for what, fn in [('pwrite', lambda: h.pwrite(b'w' * 4096, 0)), ('zero', lambda: h.zero(4096, 0)), ('trim', lambda: h.trim(65536, 0)),
                 ('flush', lambda: h.flush()), ('pread', lambda: h.pread(4, 0).hex())]:
    try:
        print(what, fn())
    except nbd.Error as e:
        print(what, 'errno', e.errno)
`;
const NBDSH_ERRORS = `import nbd
for what, fn in [('pread past end', lambda: h.pread(512, 1048576)),
                 ('pwrite past end', lambda: h.pwrite(b'x' * 512, 1048576 - 256)),
                 ('pread eio', lambda: h.pread(4096, 0)),
                 ('pwrite eio', lambda: h.pwrite(b'y' * 4096, 262144)),
                 ('pread ok', lambda: h.pread(4, 524288).hex())]:
    try:
        r = fn()
        print(what, r[:4].hex() if isinstance(r, (bytes, bytearray)) else r)
    except nbd.Error as e:
        print(what, 'errno', e.errno)
`;

/** @type {import('./cases.d.mts').NbdCase[]} */
export const cases = [
  {
    name: 'raw-qemu-io-basic',
    fixture: rawFixture(),
    server: ['-f', 'raw', '-k', '{SOCK}', 'img.raw'],
    clients: [io(U(), 'read -P 0xa1 0 128k', 'read -v 131064 16', 'write -P 0x5c 4096 8k', 'write -z 65536 4k', 'write -z -u 262144 64k', 'discard 640k 64k', 'flush', 'aio_write -P 0x7e 900k 4k', 'aio_flush', 'readv -P 0x5c 4096 4k 4k', 'map', 'read -P 0 640k 64k')],
    images: ['img.raw'],
  },
  {
    name: 'raw-discard-unmap',
    fixture: rawFixture(),
    server: ['-f', 'raw', '--discard=unmap', '-k', '{SOCK}', 'img.raw'],
    persistent: true,
    clients: [io(U(), 'discard 640k 64k', 'discard 4k 8k', 'read -P 0 640k 64k', 'read -P 0 4k 8k', 'map'), ['nbdinfo', '--map', U()], nbdsh(U(), NBDSH_IO)],
    images: ['img.raw'],
  },
  {
    name: 'qcow2-named-export',
    // `write -z -u` frees the qcow2 cluster even under the default --discard=ignore (the file bytes are compared).
    fixture: qcow2Fixture(),
    server: ['-f', 'qcow2', '-x', 'disk0', '-k', '{SOCK}', 'img.qcow2'],
    persistent: true,
    clients: [
      ['nbdinfo', '--json', U('disk0')],
      ['nbdinfo', '--map', U('disk0')],
      io(U('disk0'), 'read -P 0x11 0 64k', 'read -P 0x22 192k 32k', 'read -P 0 512k 64k', 'write -P 0x44 320k 64k', 'write -z -u 0 64k', 'discard 960k 64k', 'map'),
      ['nbdinfo', '--map', U('disk0')],
      io(U('nosuch'), 'read 0 512'),
    ],
    images: ['img.qcow2'],
  },
  {
    name: 'read-only',
    fixture: qcow2Fixture(),
    server: ['-r', '-f', 'qcow2', '-k', '{SOCK}', 'img.qcow2'],
    persistent: true,
    clients: [
      ['nbdinfo', '--json', U()],
      ['qemu-io', '-r', '-f', 'raw', '-c', 'read -P 0x11 0 64k', '-c', 'map', U()],
      io(U(), 'read 0 512'),
      nbdsh(U(), NBDSH_FLAGS),
      nbdsh(U(), NBDSH_RO),
    ],
    images: ['img.qcow2'],
  },
  {
    name: 'nbdsh-flags-and-io',
    fixture: rawFixture(),
    server: ['-f', 'raw', '-k', '{SOCK}', 'img.raw'],
    persistent: true,
    clients: [nbdsh(U(), NBDSH_FLAGS), nbdsh(U(), NBDSH_IO), ['nbdinfo', '--map', U()]],
    images: ['img.raw'],
  },
  {
    name: 'allocation-depth',
    fixture: [
      ['qemu-img', 'create', '-q', '-f', 'qcow2', 'base.qcow2', '1M'],
      ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x61 0 256k', 'base.qcow2'],
      ['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', 'top.qcow2'],
      ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x62 128k 256k', '-c', 'write -z 768k 64k', 'top.qcow2'],
    ],
    server: ['-A', '-f', 'qcow2', '-k', '{SOCK}', 'top.qcow2'],
    persistent: true,
    clients: [
      ['nbdinfo', '--json', U()],
      ['nbdinfo', '--map=qemu:allocation-depth', U()],
      ['nbdinfo', '--map', U()],
      io(U(), 'read -P 0x61 0 128k', 'read -P 0x62 128k 256k', 'read -P 0 384k 640k'),
    ],
    images: ['top.qcow2', 'base.qcow2'],
  },
  {
    name: 'description-list',
    fixture: rawFixture(),
    server: ['-f', 'raw', '-x', 'named', '-D', 'a test export', '-k', '{SOCK}', 'img.raw'],
    persistent: true,
    clients: [['nbdinfo', '--list', U()], ['nbdinfo', '--json', U('named')]],
    images: ['img.raw'],
  },
  {
    name: 'blkdebug-read-eio',
    fixture: [...qcow2Fixture(), rules({ event: 'read_aio', errno: '5' })],
    server: ['-k', '{SOCK}', 'blkdebug:rules.cfg:img.qcow2'],
    persistent: true,
    clients: [io(U(), 'read 0 4k', 'read -P 0x22 192k 4k', 'write -P 0x66 0 4k', 'read 0 512'), nbdsh(U(), NBDSH_ERRORS)],
    images: ['img.qcow2'],
  },
  {
    name: 'blkdebug-write-enospc-once',
    fixture: [...qcow2Fixture(), rules({ event: 'write_aio', errno: '28', once: 'on' })],
    server: ['-k', '{SOCK}', 'blkdebug:rules.cfg:img.qcow2'],
    clients: [io(U(), 'write -P 0x77 0 4k', 'write -P 0x78 0 4k', 'read -P 0x78 0 4k', 'aio_write -P 0x79 64k 4k', 'aio_flush', 'flush')],
    images: ['img.qcow2'],
  },
  {
    name: 'blkdebug-write-eio-sector',
    fixture: [...qcow2Fixture(), rules({ event: 'write_aio', errno: '5', sector: '512' })],
    server: ['-k', '{SOCK}', 'blkdebug:rules.cfg:img.qcow2'],
    persistent: true,
    clients: [io(U(), 'write -P 0x81 0 4k', 'write -P 0x82 256k 4k', 'write -P 0x83 252k 8k', 'read -P 0x81 0 4k'), nbdsh(U(), NBDSH_ERRORS)],
    images: ['img.qcow2'],
  },
  {
    name: 'blkverify-export',
    fixture: [
      ['qemu-img', 'create', '-q', '-f', 'raw', 'raw.raw', '1M'],
      ['qemu-img', 'create', '-q', '-f', 'qcow2', 'test.qcow2', '1M'],
      ['qemu-io', '-f', 'raw', '-c', 'write -P 0x91 64k 64k', 'raw.raw'],
      ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x91 64k 64k', 'test.qcow2'],
    ],
    server: ['-k', '{SOCK}', 'blkverify:raw.raw:test.qcow2'],
    persistent: true,
    clients: [
      io(U(), 'read -P 0x91 64k 64k', 'write -P 0x92 0 8k', 'read -P 0x92 0 8k', 'read -P 0 128k 64k', 'aio_write -P 0x93 512k 4k', 'aio_flush', 'read -P 0x93 512k 4k'),
      ['qemu-img', 'compare', '-U', '-f', 'raw', '-F', 'qcow2', 'raw.raw', 'test.qcow2'],
    ],
    images: ['raw.raw', 'test.qcow2'],
  },
  {
    name: 'qemu-img-convert-compare',
    fixture: qcow2Fixture(),
    server: ['-f', 'qcow2', '-k', '{SOCK}', 'img.qcow2'],
    persistent: true,
    clients: [
      ['qemu-img', 'convert', '-O', 'raw', U(), 'out.raw'],
      ['qemu-img', 'compare', '-F', 'raw', U(), 'out.raw'],
      ['qemu-img', 'compare', '-U', '-f', 'qcow2', 'img.qcow2', 'out.raw'],
      ['qemu-img', 'map', '--output=json', U()],
      ['qemu-img', 'info', '--output=json', U()],
    ],
    images: ['img.qcow2', 'out.raw'],
  },
  {
    name: 'nbdcopy-in-out',
    fixture: [...rawFixture(), ['qemu-img', 'create', '-q', '-f', 'raw', 'src.raw', '1M'], ['qemu-io', '-f', 'raw', '-c', 'write -P 0xc3 256k 256k', 'src.raw']],
    server: ['-f', 'raw', '-k', '{SOCK}', 'img.raw'],
    persistent: true,
    clients: [['nbdcopy', U(), 'copy.raw'], ['nbdcopy', 'src.raw', U()], io(U(), 'read -P 0xc3 256k 256k', 'read -P 0 0 256k')],
    images: ['img.raw', 'copy.raw'],
  },
  {
    name: 'tcp-qemu-io',
    fixture: rawFixture(),
    server: ['-f', 'raw', '-b', '127.0.0.1', '-p', '{PORT}', '-x', 'tcpdisk', 'img.raw'],
    tcp: true,
    persistent: true,
    clients: [
      io(T('tcpdisk'), 'read -P 0xa1 0 64k', 'write -P 0xd4 128k 64k', 'write -z -u 640k 64k', 'map'),
      ['nbdinfo', '--map', T('tcpdisk')],
      ['qemu-img', 'compare', '-U', '-F', 'raw', T('tcpdisk'), 'img.raw'],
    ],
    images: ['img.raw'],
  },
  {
    name: 'tcp-oneshot',
    fixture: qcow2Fixture(),
    server: ['-f', 'qcow2', '-b', '127.0.0.1', '-p', '{PORT}', 'img.qcow2'],
    tcp: true,
    clients: [io(T(), 'read -P 0x33 960k 64k', 'write -P 0xe5 448k 128k', 'read -v 448k 32')],
    images: ['img.qcow2'],
  },
];
