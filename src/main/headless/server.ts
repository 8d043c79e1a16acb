import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { LabApiError } from '../../shared/api/labApi';
import { WireRequestSchema, type WireReply } from '../../shared/api/wire';
import type { Lab } from '../lab';
import { hasValidToken, hostAllowed, isLoopbackAddress, originAllowed, presentedToken, TOKEN_COOKIE } from './auth';
import { RENDERER_CSP } from './csp';
import { readStatic } from './static';

export interface HeadlessOptions {
  lab: Lab;
  rendererDir: string;
  port?: number;
  listen?: string;
  /** A non-loopback --listen is refused unless this is set (the CLI's --allow-remote). */
  allowRemote?: boolean;
  token?: string;
  log?: (line: string) => void;
}

export interface HeadlessServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The lab without Electron: the built renderer over HTTP and LabApi over a WebSocket, both behind a per-start token. */
export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const listen = opts.listen ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  if (!isLoopbackAddress(listen)) {
    if (!opts.allowRemote) {
      throw new LabApiError(
        `refusing to listen on ${listen}: it is not a loopback address, and anyone who can reach it and learns the token could run commands on your hosts. Use 127.0.0.1 (the default), or pass --allow-remote to expose it on purpose`,
        'bad-listen',
      );
    }
    log(`WARNING: listening on ${listen}, which is not loopback: the lab (and root shells on your hosts) is reachable from the network by anyone with the token.`);
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = opts.port ?? 0;
  const extraHosts = isLoopbackAddress(listen) ? [] : [listen.includes(':') ? `[${listen}]` : listen];

  const refuse = (res: ServerResponse, code: number, msg: string) => {
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(`${msg}\n`);
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, port, extraHosts)) return refuse(res, 403, 'unexpected Host header');
    if (!hasValidToken(req, token)) return refuse(res, 401, 'NUMA Lab: a valid token is required (open the URL printed by `numa-lab serve`)');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.has('token')) {
      // Trade the URL token for a cookie so it does not linger in the address bar or history.
      res.writeHead(303, {
        Location: url.pathname,
        'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(presentedToken(req) ?? '')}; HttpOnly; SameSite=Strict; Path=/`,
        ...SECURITY_HEADERS,
      });
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET');
    const file = await readStatic(opts.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'not found');
    res.writeHead(200, { 'Content-Type': file.type, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const deny = (code: number, why: string) => {
      socket.write(`HTTP/1.1 ${code} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/api') return deny(404, 'Not Found');
    if (!hostAllowed(req, port, extraHosts) || !originAllowed(req)) return deny(403, 'Forbidden');
    if (!hasValidToken(req, token)) return deny(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, opts.lab));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listen, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hostPart = listen.includes(':') ? `[${listen}]` : listen;
  return {
    url: `http://${hostPart}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(ws: WebSocket, lab: Lab): void {
  const unsubscribe = lab.subscribe((event, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', async (data, isBinary) => {
    let id = -1;
    try {
      if (isBinary) throw new LabApiError('binary frames are not part of LabApi', 'bad-request');
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        throw new LabApiError('a LabApi frame must be JSON', 'bad-request');
      }
      const req = WireRequestSchema.safeParse(raw);
      if (!req.success) throw new LabApiError('a LabApi frame must be {id, method, params}', 'bad-request');
      id = req.data.id;
      const result = await lab.dispatch(req.data.method, req.data.params);
      send(ws, { id, ok: true, result: result ?? null });
    } catch (e) {
      const err = e instanceof LabApiError ? e : new LabApiError(e instanceof Error ? e.message : String(e), 'failed');
      send(ws, { id, ok: false, error: { message: err.message, code: err.code } });
    }
  });
}

function send(ws: WebSocket, reply: WireReply): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
}
