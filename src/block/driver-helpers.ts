// Small answers drivers give often, so each driver states its choice in one line.
import { BlockError, ENOTSUP } from './errors';

/** "This driver does not do that": the operation fails with ENOTSUP. */
export function unsupported(): Promise<never> {
  return Promise.reject(new BlockError(ENOTSUP));
}

/** "Nothing to do here": the operation succeeds at once. */
export function nothingToDo(): Promise<void> {
  return Promise.resolve();
}
