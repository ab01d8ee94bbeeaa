// `blkstudio` (npm start): opens the Electron app when its binary is usable, else serves the
// same renderer in web mode so the app still works on machines where Electron cannot be downloaded.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OpenImageRequest } from '../api';
import { createApiHandlers } from '../host/api-handlers';
import { openAppSession } from '../host/node-session';
import { readPackageMeta } from '../host/package-meta';
import { startWebServer, type RunningWebServer } from '../host/web-server';
import { DEFAULT_WEB_PORT, parseBlkstudioArgs, USAGE, UsageError } from './blkstudio-args';
import { chooseLaunchMode, findElectronBinary } from './electron-binary';
import { runImgCli } from './img/img-cli';
import { runNbdCli } from './nbd/main';
import { utf8ToBinaryString } from '../common/binary-string';

// Bundled to out/cli/blkstudio.cjs, two levels below the project root.
const projectRoot = resolve(__dirname, '..', '..');

function runElectron(binary: string): void {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary behave as plain node
  const child = spawn(binary, [projectRoot], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`blkstudio: could not start Electron (${err.message}); falling back to web mode.`);
    void runWeb(undefined, undefined, 'Electron failed to start');
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** A fixed WebSocket token for automated tests (BLKSTUDIO_WEB_TOKEN, 32+ characters); else random. */
function tokenFromEnv(): string | undefined {
  const token = process.env.BLKSTUDIO_WEB_TOKEN;
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{32,}$/.test(token)) throw new Error('BLKSTUDIO_WEB_TOKEN must be 32 or more characters of [A-Za-z0-9_-]');
  return token;
}

async function listen(port: number | undefined, image: OpenImageRequest | undefined): Promise<RunningWebServer> {
  // BLKSTUDIO_RENDERER_DIR serves another build of the renderer (a second checkout's, a test's).
  const staticDir = process.env.BLKSTUDIO_RENDERER_DIR ?? join(projectRoot, 'out', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}/index.html is missing: run \`npm run build\` first`);
  }
  const session = await openAppSession(image);
  const options = {
    staticDir,
    handlers: createApiHandlers(readPackageMeta(projectRoot), session),
    subscribe: (fn: Parameters<typeof session.subscribe>[0]) => session.subscribe(fn),
    token: tokenFromEnv(),
  };
  try {
    return await startWebServer({ ...options, port: port ?? DEFAULT_WEB_PORT });
  } catch (err) {
    // The default port being taken is no reason to fail; an explicit one is.
    if (port === undefined && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') return startWebServer({ ...options, port: 0 });
    throw err;
  }
}

async function runWeb(port: number | undefined, image: OpenImageRequest | undefined, reason: string | undefined): Promise<void> {
  const web = await listen(port, image);
  const where = `serving blkstudio in web mode at ${web.url} — open it in a browser. Ctrl+C to stop.`;
  console.log(reason ? `${reason}; ${where}` : `blkstudio: ${where}`);
  const stop = () => void web.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  // `blkstudio img ...` is qemu-img (create, check), not the app.
  if (process.argv[2] === 'img') return void (await runImgCli(process.argv.slice(3)));
  // `blkstudio nbd ...` is qemu-nbd (bin/blkstudio loads it directly; this is for the bundle).
  if (process.argv[2] === 'nbd') return void (await runNbdCli(process.argv.slice(3).map(utf8ToBinaryString)));
  const args = parseBlkstudioArgs(process.argv.slice(2), process.env);
  if (args.help) return void process.stdout.write(USAGE);
  const launch = chooseLaunchMode({
    forceWeb: args.web,
    probe: findElectronBinary(projectRoot),
    platform: process.platform,
    env: process.env,
  });
  if (launch.mode === 'electron') runElectron(launch.binary);
  else await runWeb(args.port, args.image === undefined ? undefined : { filename: args.image, format: args.format }, launch.reason);
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`blkstudio: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`blkstudio: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
