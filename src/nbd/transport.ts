// What a host gives a connection. The engine side has no sockets: it writes bytes, and the host
// pushes what arrives into the connection (NbdConnection.push / end).

export interface NbdTransport {
  /** Queue bytes to the peer; false when its buffer is full (then await drained()). */
  write(chunk: Uint8Array): boolean;
  drained(): Promise<void>;
  /** Close after queued output is sent. */
  end(): void;
  /** Drop the connection at once. */
  destroy(): void;
  /** STARTTLS: upgrade in place; bytes pushed afterwards are the decrypted stream. Absent: no TLS. */
  startTls?(): Promise<void>;
  /** Stop / restart delivering input (a client that sends faster than requests complete). */
  pauseInput?(): void;
  resumeInput?(): void;
  /** A buffer for read data that need not be zeroed (Node's Buffer.allocUnsafe); absent: Uint8Array. */
  allocate?(bytes: number): Uint8Array;
}

/** A connection the server runs; the host feeds it. */
export interface NbdConnection {
  push(chunk: Uint8Array): void;
  /** The peer closed its side (or the socket failed). */
  end(): void;
  /** Settles once the connection is closed and none of its requests is still running. */
  readonly done: Promise<void>;
}
