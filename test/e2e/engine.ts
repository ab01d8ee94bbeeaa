// The e2e web server's session, reached from the test process over the same WebSocket the page
// uses: each scenario starts from a fresh zeroed image under a rule-less blkdebug node and an
// empty session memory, so tests never see each other's rules, state, parked requests, console
// transcript or event history.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import WebSocket from 'ws';
import { WS_PATH, type ApiMethod, type ApiResult, type WireServerMessage } from '../../src/api';
import { E2E_IMAGE } from './image';
import { E2E_TOKEN } from './project';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);

let fresh = 0;

/** Call the server's session once (a new connection per call) and return the answer. */
export async function callEngine<T>(method: ApiMethod, ...args: unknown[]): Promise<T> {
  const origin = `http://127.0.0.1:${E2E_PORT}`;
  const ws = new WebSocket(`ws://127.0.0.1:${E2E_PORT}${WS_PATH}?token=${E2E_TOKEN}`, { origin });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = await new Promise<ApiResult<T>>((resolve) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as WireServerMessage;
        if (msg.type === 'reply' && msg.id === 1) resolve(msg as unknown as ApiResult<T>);
      });
      ws.send(JSON.stringify({ id: 1, method, args }));
    });
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return reply.value;
  } finally {
    ws.close();
  }
}

/**
 * Open a new 1 MiB zeroed raw image under blkdebug (`-f raw blkdebug::IMG`) in the server's
 * session; returns the image file's path. Call before page.goto so the page starts clean.
 */
export async function freshSession(): Promise<string> {
  const file = join(dirname(E2E_IMAGE), `scenario-${process.pid}-${++fresh}.raw`);
  writeFileSync(file, Buffer.alloc(1024 * 1024));
  // What the session remembers of earlier scenarios (transcript, event history, rule draft) goes too.
  await callEngine('clearMemory');
  await callEngine('openImage', { filename: `blkdebug::${file}`, format: 'raw' });
  return file;
}
