import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { request } from 'node:http';
import { Lab } from '../../src/main/lab';
import { startHeadlessServer, type HeadlessServer } from '../../src/main/headless/server';

const dir = mkdtempSync(join(tmpdir(), 'numalab-headless-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>NUMA Lab</title>');
writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
const lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless' });
let server: HeadlessServer;
let base: string;

beforeAll(async () => {
  server = await startHeadlessServer({ lab, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

function call(ws: WebSocket, id: number, method: string, params: unknown): Promise<any> {
  return new Promise((resolve) => {
    const onMsg = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString());
      if (m.id === id) {
        ws.off('message', onMsg);
        resolve(m);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('the headless server', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses HTTP requests without the token or with a wrong one (401)', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/index.html?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie and serves the UI with a CSP', async () => {
    const r = await fetch(server.url, { redirect: 'manual' });
    expect(r.status).toBe(303);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await fetch(`${base}/`, { headers: { Cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('NUMA Lab');
  });

  it('does not serve files outside the renderer folder', async () => {
    // Raw requests: fetch() would normalise the dot segments away before sending.
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await rawGet('/index.html')).toBe(200);
    expect(await rawGet('/../secret.txt')).toBe(404);
    expect(await rawGet('/%2e%2e/secret.txt')).toBe(404);
    expect(await rawGet('/..%2fsecret.txt')).toBe(404);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    const { status } = await wsOpen(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { Host: `evil.example:${server.port}` });
    expect(status).toBe(403);
  });

  it('refuses WebSocket upgrades without the token (401) and from another origin (403)', async () => {
    expect((await wsOpen(`ws://127.0.0.1:${server.port}/api`)).status).toBe(401);
    expect((await wsOpen(`ws://127.0.0.1:${server.port}/api?token=x`)).status).toBe(401);
    expect((await wsOpen(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('answers LabApi calls over the WebSocket and validates them', async () => {
    const { ws } = await wsOpen(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const info = await call(ws!, 1, 'app.info', {});
    expect(info).toMatchObject({ id: 1, ok: true, result: { shell: 'headless' } });
    const bad = await call(ws!, 2, 'hosts.probe', { target: 'local', extra: 1 });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'bad-request' } });
    const unknown = await call(ws!, 3, 'shell.exec', { cmd: 'id' });
    expect(unknown.error.message).toMatch(/unknown method "shell.exec"/);
    const probe = await call(ws!, 4, 'hosts.probe', { target: 'local' });
    expect(probe.ok).toBe(true);
    expect(probe.result.nodes.length).toBeGreaterThan(0);
    ws!.close();
  });

  it('refuses to bind a non-loopback address unless asked explicitly', async () => {
    await expect(startHeadlessServer({ lab, rendererDir, listen: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0.0.0.0.*--allow-remote/);
    const lines: string[] = [];
    const s = await startHeadlessServer({ lab, rendererDir, listen: '0.0.0.0', allowRemote: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/WARNING: listening on 0.0.0.0/);
    await s.close();
  });
});
