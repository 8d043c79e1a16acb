import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HostSession } from './hostSession';
import { shQuote } from './shQuote';

/**
 * Binary-safe upload of a file (a workload binary) to a host over its command channel: base64
 * chunks appended to a temp file, decoded and checked with sha256sum on the host (busybox has
 * both), then chmod and an atomic rename into place. Nothing but the channel is needed, so it
 * works the same over local, ssh and a serial console.
 */
export const REMOTE_PATH = /^\/[A-Za-z0-9._+\/-]{0,1023}$/;
/** Raw bytes per command: 192 KiB → 256 KiB of base64, well within what any sh takes as one word. */
const CHUNK = 192 * 1024;

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

export function checkRemotePath(p: string): void {
  if (typeof p !== 'string' || !REMOTE_PATH.test(p) || p.split('/').some((seg) => seg === '..') || p.endsWith('/')) {
    throw new UploadError(`remote path ${JSON.stringify(p)} is not allowed: it must be an absolute file path of letters, digits, ".", "_", "+", "-" and "/" (no "..")`);
  }
}

export interface UploadResult {
  remotePath: string;
  bytes: number;
  sha256: string;
}

export async function upload(
  session: HostSession,
  source: string | Buffer,
  remotePath: string,
  mode = 0o755,
  opts: { asRoot?: boolean; timeoutMs?: number } = {},
): Promise<UploadResult> {
  checkRemotePath(remotePath);
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new UploadError(`mode ${mode} must be an integer from 0 to 0o7777`);
  const data = typeof source === 'string' ? await readFile(source) : source;
  const sha256 = createHash('sha256').update(data).digest('hex');
  const tmp = `${remotePath}.numalab-${randomBytes(4).toString('hex')}`;
  const q = { tmp: shQuote(tmp), b64: shQuote(`${tmp}.b64`), dst: shQuote(remotePath) };
  const exec = (script: string) =>
    opts.asRoot ? session.execAsRoot(script, { timeoutMs: opts.timeoutMs ?? 60000 }) : session.exec(script, { timeoutMs: opts.timeoutMs ?? 60000 });
  const must = async (script: string, what: string) => {
    const r = await exec(script);
    if (r.code !== 0) throw new UploadError(`upload to ${session.target}:${remotePath} failed while ${what}: ${r.stderr.trim() || `status ${r.code}`}`);
    return r.stdout;
  };
  try {
    await must(`umask 077; : > ${q.b64}`, 'creating the temp file');
    for (let at = 0; at < data.length; at += CHUNK) {
      const b64 = data.subarray(at, at + CHUNK).toString('base64');
      await must(`printf '%s' '${b64}' >> ${q.b64}`, `sending bytes ${at}..${Math.min(data.length, at + CHUNK)}`);
    }
    const out = await must(
      `base64 -d < ${q.b64} > ${q.tmp} || exit 3
rm -f ${q.b64}
set -- $(sha256sum ${q.tmp})
echo "$1"
[ "$1" = '${sha256}' ] || exit 4
chmod ${mode.toString(8)} ${q.tmp} && mv -f ${q.tmp} ${q.dst}`,
      'checking and moving it into place',
    );
    return { remotePath, bytes: data.length, sha256: out.trim() };
  } catch (e) {
    await exec(`rm -f ${q.tmp} ${q.b64}`).catch(() => undefined);
    if (e instanceof UploadError && /status 4/.test(e.message)) throw new UploadError(`upload to ${session.target}:${remotePath}: sha256 mismatch (expected ${sha256})`);
    throw e;
  }
}
