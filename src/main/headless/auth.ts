import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'numalab_token';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the cookie set after the first visit. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function hasValidToken(req: IncomingMessage, token: string): boolean {
  const t = presentedToken(req);
  return t !== undefined && same(t, token);
}

/**
 * A browser page on another site can make a victim's browser talk to 127.0.0.1 (DNS rebinding,
 * cross-site WebSocket). Only our own host names and same-origin pages are let in.
 */
export function hostAllowed(req: IncomingMessage, port: number, extraHosts: string[]): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const ok = ['127.0.0.1', 'localhost', '[::1]', ...extraHosts].map((h) => `${h}:${port}`);
  return ok.includes(host);
}

export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (the CLI, tests): the token is the guard
  return origin.toLowerCase() === `http://${(req.headers.host ?? '').toLowerCase()}`;
}

export function isLoopbackAddress(addr: string): boolean {
  return addr === 'localhost' || addr === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(addr);
}
