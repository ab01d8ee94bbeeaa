// Errors of session calls, with a code a UI (and the API's error DTO) can switch on.

export type SessionErrorCode =
  /** The session was closed. */
  | 'CLOSED'
  /** No image is open. */
  | 'NO_IMAGE'
  /** Opening an image failed; the message is what qemu-io printed. */
  | 'OPEN_FAILED'
  /** No blkdebug node (of that name) in the graph. */
  | 'NO_BLKDEBUG'
  /** No qcow2 node (of that name) in the graph. */
  | 'NO_QCOW2'
  /** No blkverify node (of that name) in the graph. */
  | 'NO_BLKVERIFY'
  /** No node of that name in the graph. */
  | 'NO_SUCH_NODE'
  /** No recorded mismatch with that id. */
  | 'NO_SUCH_MISMATCH'
  /** A range outside the image or the request. */
  | 'BAD_RANGE'
  /** A request this session or host cannot carry out. */
  | 'BAD_REQUEST'
  /** No breakpoint / parked request with that tag. */
  | 'NO_SUCH_TAG'
  /** The event name is not a blkdebug event. */
  | 'BAD_EVENT';

export class SessionError extends Error {
  override readonly name = 'SessionError';

  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
