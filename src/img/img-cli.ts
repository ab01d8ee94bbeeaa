// `blkstudio img SUBCOMMAND ...`: qemu-img's create and check.

import { imgCheck } from './check';
import { imgCreate } from './create';
import { ImgOutput, usageError } from './output';

export async function imgMain(argv: readonly string[], o: ImgOutput): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return usageError(o, 'Not enough arguments');
  if (cmd === 'create') return imgCreate(rest, o);
  if (cmd === 'check') return imgCheck(rest, o);
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    o.out('usage: blkstudio img create|check ... (the arguments of qemu-img 7.2)\n');
    return 0;
  }
  return usageError(o, `Command not found: ${cmd}`);
}

/** Runs a subcommand on the process's stdio and exits with its status. */
export async function runImgCli(argv: readonly string[]): Promise<never> {
  const o = new ImgOutput();
  let status: number;
  try {
    status = await imgMain(argv, o);
  } catch (e) {
    o.err(`qemu-img: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    status = 1;
  }
  for (const c of o.finish()) (c.stream === 'stdout' ? process.stdout : process.stderr).write(c.text);
  // Let piped stdout drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(status);
}
