// file-posix's lock bytes: a node's permissions published to other processes as shared OFD
// locks, byte 100 + bit for each permission it holds and 200 + bit for each it does not share
// (libvirt owns byte 0). Another process checks them before taking what we hold or refuse.
import type { HostFile } from '../../block-host';
import { QemuError, strerror } from '../../errors';
import { BLK_PERM_ALL, PERM_NAMES } from '../../permissions';

const LOCK_PERM_BASE = 100;
const LOCK_SHARED_BASE = 200;
const EAGAIN = 11;

type LockTarget = Required<Pick<HostFile, 'lockByte' | 'testLockByte'>>;

export class LockBytes {
  /** The bytes held: permissions taken and permissions not shared. */
  private lockedPerm = 0;
  private lockedUnshared = 0;
  private perm = 0;
  private shared = BLK_PERM_ALL;

  private constructor(
    private target: LockTarget,
    /** bs->filename, for "Is another process using the image [...]?". */
    private readonly filename: string,
  ) {}

  /** Locking for this file, or null where the host has no lock calls (locking=auto then does nothing). */
  static on(file: Pick<HostFile, 'lockByte' | 'testLockByte'>, filename: string): LockBytes | null {
    if (!file.lockByte || !file.testLockByte) return null;
    return new LockBytes(file as LockTarget, filename);
  }

  /**
   * raw_handle_perm_lock: lock what we are about to hold, check nobody else is in the way of it,
   * then drop what we no longer need. Refused, the bytes stay as they were and QEMU's error is
   * thrown.
   */
  set(perm: number, shared: number): void {
    if ((this.perm | perm) !== this.perm || (this.shared & shared) !== this.shared) {
      const refused = this.apply(this.perm | perm, ~this.shared | ~shared, false) ?? this.check(perm, shared);
      if (refused) {
        this.apply(this.perm, ~this.shared, true);
        throw new QemuError(`${refused}\nIs another process using the image [${this.filename}]?`, EAGAIN);
      }
    }
    this.apply(perm, ~shared, true);
    this.perm = perm;
    this.shared = shared;
  }

  /** A new descriptor for the same file (reopen read-write): take the same bytes on it. */
  moveTo(target: Pick<HostFile, 'lockByte' | 'testLockByte'>): void {
    const old = this.target;
    const [perm, unshared] = [this.lockedPerm, this.lockedUnshared];
    this.target = target as LockTarget;
    this.lockedPerm = this.lockedUnshared = 0;
    const refused = this.apply(perm, unshared, false);
    if (refused) {
      this.apply(0, 0, true);
      this.target = old;
      [this.lockedPerm, this.lockedUnshared] = [perm, unshared];
      throw new QemuError(refused, EAGAIN);
    }
  }

  /** raw_apply_lock_bytes: null, or the message of the byte that could not be locked. */
  private apply(perm: number, unshared: number, unlock: boolean): string | null {
    for (const [base, want, held] of [
      [LOCK_PERM_BASE, perm, 'lockedPerm'],
      [LOCK_SHARED_BASE, unshared, 'lockedUnshared'],
    ] as const) {
      for (let i = 0; i < PERM_NAMES.length; i++) {
        const bit = 1 << i;
        if (want & bit && !(this[held] & bit)) {
          const r = this.target.lockByte(base + i, true);
          if (r < 0) return lockError(r, `Failed to lock byte ${base + i}`);
          this[held] |= bit;
        } else if (unlock && this[held] & bit && !(want & bit)) {
          if (this.target.lockByte(base + i, false) === 0) this[held] &= ~bit;
        }
      }
    }
    return null;
  }

  /** raw_check_lock_bytes: what another process does not share that we need, or holds that we do not share. */
  private check(perm: number, shared: number): string | null {
    for (let i = 0; i < PERM_NAMES.length; i++) {
      if (!(perm & (1 << i))) continue;
      const r = this.target.testLockByte(LOCK_SHARED_BASE + i);
      if (r < 0) return lockError(r, `Failed to get "${PERM_NAMES[i]}" lock`);
    }
    for (let i = 0; i < PERM_NAMES.length; i++) {
      if (shared & (1 << i)) continue;
      const r = this.target.testLockByte(LOCK_PERM_BASE + i);
      if (r < 0) return lockError(r, `Failed to get shared "${PERM_NAMES[i]}" lock`);
    }
    return null;
  }
}

/** raw_lock_error_setg_errno: EAGAIN (somebody holds it) is said without the errno text. */
function lockError(r: number, text: string): string {
  return r === -EAGAIN ? text : `${text}: ${strerror(-r)}`;
}
