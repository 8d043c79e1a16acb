/**
 * The renderer's Content-Security-Policy, sent as a header by the headless server and set on the
 * Electron session. Scripts only from the app itself; inline styles are allowed because recharts
 * and xterm.js position elements with style attributes.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
