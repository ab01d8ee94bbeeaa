// Command-line options of `blkstudio`.
import { parseArgs } from 'node:util';

export const DEFAULT_WEB_PORT = 7117;

export interface BlkstudioArgs {
  web: boolean;
  help: boolean;
  /** The port asked for (--port or BLKSTUDIO_PORT), undefined for the default. 0 = any free port. */
  port: number | undefined;
}

export const USAGE = `Usage: blkstudio [--web] [--port N]

Starts the blkstudio desktop app. Without an Electron binary (or with --web) it serves the
same UI on http://127.0.0.1:PORT/ for a browser instead.

  --web       serve the UI for a browser even when Electron is available
  --port N    port for web mode (default ${DEFAULT_WEB_PORT}; 0 picks a free port; env BLKSTUDIO_PORT)
  -h, --help  show this help
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parsePort(text: string, source: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${source}: invalid port '${text}'`);
  return Number(text);
}

export function parseBlkstudioArgs(argv: string[], env: Record<string, string | undefined>): BlkstudioArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { web: { type: 'boolean' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  let port: number | undefined;
  if (values.port !== undefined) port = parsePort(values.port, '--port');
  else if (env.BLKSTUDIO_PORT) port = parsePort(env.BLKSTUDIO_PORT, 'BLKSTUDIO_PORT');
  return { web: values.web ?? false, help: values.help ?? false, port };
}
