// NBD wire constants (the NBD protocol spec, as qemu-nbd 7.2 speaks it) and their names as
// QEMU prints them in error messages.

export const NBD_INIT_MAGIC = 0x4e42444d41474943n; // "NBDMAGIC"
export const NBD_OPTS_MAGIC = 0x49484156454f5054n; // "IHAVEOPT"
export const NBD_REP_MAGIC = 0x0003e889045565a9n;
export const NBD_REQUEST_MAGIC = 0x25609513;
export const NBD_SIMPLE_REPLY_MAGIC = 0x67446698;
export const NBD_STRUCTURED_REPLY_MAGIC = 0x668e33ef;

/** Handshake flags (server) and client flags. */
export const NBD_FLAG_FIXED_NEWSTYLE = 1 << 0;
export const NBD_FLAG_NO_ZEROES = 1 << 1;
export const NBD_FLAG_C_FIXED_NEWSTYLE = 1 << 0;
export const NBD_FLAG_C_NO_ZEROES = 1 << 1;

/** Transmission flags. */
export const NBD_FLAG_HAS_FLAGS = 1 << 0;
export const NBD_FLAG_READ_ONLY = 1 << 1;
export const NBD_FLAG_SEND_FLUSH = 1 << 2;
export const NBD_FLAG_SEND_FUA = 1 << 3;
export const NBD_FLAG_SEND_TRIM = 1 << 5;
export const NBD_FLAG_SEND_WRITE_ZEROES = 1 << 6;
export const NBD_FLAG_SEND_DF = 1 << 7;
export const NBD_FLAG_CAN_MULTI_CONN = 1 << 8;
export const NBD_FLAG_SEND_CACHE = 1 << 10;
export const NBD_FLAG_SEND_FAST_ZERO = 1 << 11;

export const NBD_OPT_EXPORT_NAME = 1;
export const NBD_OPT_ABORT = 2;
export const NBD_OPT_LIST = 3;
export const NBD_OPT_STARTTLS = 5;
export const NBD_OPT_INFO = 6;
export const NBD_OPT_GO = 7;
export const NBD_OPT_STRUCTURED_REPLY = 8;
export const NBD_OPT_LIST_META_CONTEXT = 9;
export const NBD_OPT_SET_META_CONTEXT = 10;

export const NBD_REP_ACK = 1;
export const NBD_REP_SERVER = 2;
export const NBD_REP_INFO = 3;
export const NBD_REP_META_CONTEXT = 4;
const NBD_REP_ERR = (n: number) => (0x80000000 | n) >>> 0;
export const NBD_REP_ERR_UNSUP = NBD_REP_ERR(1);
export const NBD_REP_ERR_POLICY = NBD_REP_ERR(2);
export const NBD_REP_ERR_INVALID = NBD_REP_ERR(3);
export const NBD_REP_ERR_TLS_REQD = NBD_REP_ERR(5);
export const NBD_REP_ERR_UNKNOWN = NBD_REP_ERR(6);
export const NBD_REP_ERR_BLOCK_SIZE_REQD = NBD_REP_ERR(8);

export const NBD_INFO_EXPORT = 0;
export const NBD_INFO_NAME = 1;
export const NBD_INFO_DESCRIPTION = 2;
export const NBD_INFO_BLOCK_SIZE = 3;

export const NBD_CMD_READ = 0;
export const NBD_CMD_WRITE = 1;
export const NBD_CMD_DISC = 2;
export const NBD_CMD_FLUSH = 3;
export const NBD_CMD_TRIM = 4;
export const NBD_CMD_CACHE = 5;
export const NBD_CMD_WRITE_ZEROES = 6;
export const NBD_CMD_BLOCK_STATUS = 7;

export const NBD_CMD_FLAG_FUA = 1 << 0;
export const NBD_CMD_FLAG_NO_HOLE = 1 << 1;
export const NBD_CMD_FLAG_DF = 1 << 2;
export const NBD_CMD_FLAG_REQ_ONE = 1 << 3;
export const NBD_CMD_FLAG_FAST_ZERO = 1 << 4;

export const NBD_REPLY_FLAG_DONE = 1 << 0;
export const NBD_REPLY_TYPE_NONE = 0;
export const NBD_REPLY_TYPE_OFFSET_DATA = 1;
export const NBD_REPLY_TYPE_OFFSET_HOLE = 2;
export const NBD_REPLY_TYPE_BLOCK_STATUS = 5;
export const NBD_REPLY_TYPE_ERROR = (1 << 15) | 1;

export const NBD_STATE_HOLE = 1 << 0;
export const NBD_STATE_ZERO = 1 << 1;

export const NBD_META_ID_BASE_ALLOCATION = 0;
export const NBD_META_ID_ALLOCATION_DEPTH = 1;

/** The largest request payload and option length (NBD_MAX_BUFFER_SIZE). */
export const NBD_MAX_BUFFER_SIZE = 32 * 1024 * 1024;
/** The longest name or string in an option. */
export const NBD_MAX_STRING_SIZE = 4096;
/** Requests read ahead per client (QEMU's MAX_NBD_REQUESTS). */
export const MAX_NBD_REQUESTS = 16;
/** Extents in one block-status reply (1 MiB of them). */
export const NBD_MAX_BLOCK_STATUS_EXTENTS = (1024 * 1024) / 8;

/** nbd_opt_lookup: how QEMU names an option in messages. */
export function optName(opt: number): string {
  switch (opt) {
    case NBD_OPT_EXPORT_NAME: return 'export name';
    case NBD_OPT_ABORT: return 'abort';
    case NBD_OPT_LIST: return 'list';
    case NBD_OPT_STARTTLS: return 'starttls';
    case NBD_OPT_INFO: return 'info';
    case NBD_OPT_GO: return 'go';
    case NBD_OPT_STRUCTURED_REPLY: return 'structured reply';
    case NBD_OPT_LIST_META_CONTEXT: return 'list meta context';
    case NBD_OPT_SET_META_CONTEXT: return 'set meta context';
    default: return '<unknown>';
  }
}

/** nbd_cmd_lookup. */
export function cmdName(cmd: number): string {
  switch (cmd) {
    case NBD_CMD_READ: return 'read';
    case NBD_CMD_WRITE: return 'write';
    case NBD_CMD_DISC: return 'disconnect';
    case NBD_CMD_FLUSH: return 'flush';
    case NBD_CMD_TRIM: return 'trim';
    case NBD_CMD_CACHE: return 'cache';
    case NBD_CMD_WRITE_ZEROES: return 'write zeroes';
    case NBD_CMD_BLOCK_STATUS: return 'block status';
    default: return '<unknown>';
  }
}

/** NBD error numbers (the spec's, equal to Linux's for these). */
const NBD_EPERM = 1;
const NBD_EIO = 5;
const NBD_ENOMEM = 12;
const NBD_EINVAL = 22;
const NBD_ENOSPC = 28;
const NBD_EOVERFLOW = 75;
const NBD_ENOTSUP = 95;
const NBD_ESHUTDOWN = 108;

/** system_errno_to_nbd_errno: what a client sees for an errno the block layer returned. */
export function nbdErrno(errno: number): number {
  switch (errno) {
    case 0: return 0;
    case 1: // EPERM
    case 30: // EROFS
      return NBD_EPERM;
    case 5: return NBD_EIO;
    case 12: return NBD_ENOMEM;
    case 122: // EDQUOT
    case 27: // EFBIG
    case 28: // ENOSPC
      return NBD_ENOSPC;
    case 75: return NBD_EOVERFLOW;
    case 95: return NBD_ENOTSUP; // ENOTSUP == EOPNOTSUPP on Linux
    case 108: return NBD_ESHUTDOWN;
    default: return NBD_EINVAL;
  }
}
