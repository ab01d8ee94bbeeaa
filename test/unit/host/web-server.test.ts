import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_DRIVERS, HTTP_ROUTES } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { openNodeSession } from '../../../src/host/node-session';
import type { Session } from '../../../src/session/index';
import { resolveStaticPath, startWebServer, type RunningWebServer } from '../../../src/host/web-server';

// A fixture tree: <tmp>/site is served; <tmp>/secret.txt and <tmp>/site-evil/x must never be.
let tmp: string;
let site: string;
let server: RunningWebServer;
let session: Session;

/** A raw request, so `..` and odd encodings reach the server un-normalized (fetch would clean them). */
function get(path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'blkstudio-web-'));
  site = join(tmp, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  mkdirSync(join(tmp, 'site-evil'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>blkstudio</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(tmp, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(tmp, 'site-evil', 'x'), 'TOP SECRET');
  session = await openNodeSession();
  server = await startWebServer({ staticDir: site, handlers: createApiHandlers({ name: 'blkstudio', version: '1.2.3' }, session), port: 0 });
});

afterAll(async () => {
  await server?.close();
  await session?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('web server', () => {
  it('listens on 127.0.0.1 on an ephemeral port and reports its URL', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('serves index.html at / and by name', async () => {
    for (const path of ['/', '/index.html', '/?x=1']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<title>blkstudio</title>');
    }
  });

  it('serves assets with their content type', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/javascript; charset=utf-8');
    expect(res.body).toBe('console.log(1);');
  });

  it('answers /api/app-info with the handlers’ JSON', async () => {
    const res = await get(HTTP_ROUTES.appInfo);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ name: 'blkstudio', version: '1.2.3', engine: { drivers: [...ENGINE_DRIVERS], commands: expect.any(Array) } });
  });

  it('refuses other methods', async () => {
    expect((await get(HTTP_ROUTES.appInfo, 'POST')).status).toBe(405);
    expect((await get('/index.html', 'DELETE')).status).toBe(405);
  });

  it('answers 404 for unknown paths and directories', async () => {
    for (const path of ['/nope', '/api/nope', '/assets', '/assets/']) expect((await get(path)).status, path).toBe(404);
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt', '/../site-evil/x', '/index.html%00.js', '/%E0%A4%A'])(
    'never serves outside its directory: %s',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('TOP SECRET');
    },
  );
});

describe('resolveStaticPath', () => {
  it('maps / to index.html and refuses escapes', () => {
    expect(resolveStaticPath(site, '/')).toBe(join(site, 'index.html'));
    expect(resolveStaticPath(site, '/../secret.txt')).toBeUndefined();
    expect(resolveStaticPath(site, '/../site-evil/x')).toBeUndefined();
  });
});
