// Types for cases.mjs.
export type FixtureStep = string[];
export interface NbdCase {
  name: string;
  /** Steps run in the case dir before the server starts: [program, ...args] (real qemu-img/qemu-io), or ['file', name, text]. */
  fixture: FixtureStep[];
  /** Server arguments (placeholders {SOCK} {PORT} {DIR}); -t is added when persistent. */
  server: string[];
  persistent?: boolean;
  tcp?: boolean;
  /** Client argv lists, run in turn. */
  clients: string[][];
  /** Files hashed after the server has exited. */
  images: string[];
}
export const cases: NbdCase[];
