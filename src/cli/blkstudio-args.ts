// Command-line options of `blkstudio`.
import { parseArgs } from 'node:util';

export const DEFAULT_WEB_PORT = 7117;

export interface BlkstudioArgs {
  web: boolean;
  help: boolean;
  /** The port asked for (--port or BLKSTUDIO_PORT), undefined for the default. 0 = any free port. */
  port: number | undefined;
  /** The image to open (a filename qemu-io accepts), if any. */
  image: string | undefined;
  /** -f/--format for the image; probed when absent. */
  format: string | undefined;
}

export const USAGE = `Usage: blkstudio [web] [--web] [--port N] [-f FMT] [SPEC]
       blkstudio img create|check|compare ... (qemu-img's subcommands)

Starts the blkstudio desktop app. Without an Electron binary (or with \`web\`/--web) it serves
the same UI on http://127.0.0.1:PORT/?token=... for a browser instead.

  SPEC          image to open: any filename qemu-io accepts (disk.raw, blkdebug:rules.cfg:disk.raw)
  -f, --format  the image's format (probed when absent)
  web, --web    serve the UI for a browser even when Electron is available
  --port N      port for web mode (default ${DEFAULT_WEB_PORT}; 0 picks a free port; env BLKSTUDIO_PORT)
  -h, --help    show this help
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
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        web: { type: 'boolean' },
        port: { type: 'string' },
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  let web = values.web ?? false;
  if (positionals[0] === 'web') {
    web = true;
    positionals = positionals.slice(1);
  }
  if (positionals.length > 1) throw new UsageError(`one image at most, got ${positionals.length}: ${positionals.join(' ')}`);
  let port: number | undefined;
  if (values.port !== undefined) port = parsePort(values.port, '--port');
  else if (env.BLKSTUDIO_PORT) port = parsePort(env.BLKSTUDIO_PORT, 'BLKSTUDIO_PORT');
  if (values.format !== undefined && positionals.length === 0) throw new UsageError('--format needs an image');
  return { web, help: values.help ?? false, port, image: positionals[0], format: values.format };
}
