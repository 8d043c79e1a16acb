import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostSession } from '../hosts/hostSession';
import { shQuote } from '../hosts/shQuote';
import { checkRemotePath, upload } from '../hosts/upload';
import { GUEST_SAMPLER_PATH } from '../testbox/initramfs';
import { compileSampler } from '../testbox/workloads';

/**
 * Where the C sampler (resources/sampler/numalab-sampler.c) runs from on a host, or why it
 * cannot run there (the service then samples with the shell loop and records the reason):
 * - local: the static binary the lab compiled into its cache;
 * - a host that already has the same build (the QEMU box carries it in its initramfs at
 *   GUEST_SAMPLER_PATH; an earlier upload in /tmp) uses it, checked by sha256;
 * - any other x86-64 host gets it uploaded (sha-checked) to /tmp/numa-lab-<hash>/. Not over a
 *   single serial line (testbox:, serial:): ~750 KB there would take minutes, and the box has it.
 */
export const SAMPLER_NAME = 'numalab-sampler';

export type SamplerDeployment = { ok: true; path: string; how: 'local' | 'found' | 'uploaded' } | { ok: false; reason: string };

export interface DeploySamplerOptions {
  log?: (line: string) => void;
  /** The directory an upload goes to (default /tmp/numa-lab-<build hash>). */
  remoteDir?: string;
  /** Upload when no copy is found (default: yes, except over serial lines). */
  allowUpload?: boolean;
  cache?: string;
}

function why(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split('\n')[0].slice(0, 300);
}

export async function deploySampler(session: HostSession, opts: DeploySamplerOptions = {}): Promise<SamplerDeployment> {
  const log = opts.log ?? (() => {});
  let built;
  try {
    built = await compileSampler(log, opts.cache);
  } catch (e) {
    return { ok: false, reason: `the C sampler could not be built on this machine (${why(e)})` };
  }
  if (!built.names.includes(SAMPLER_NAME)) {
    const f = built.failed.find((x) => x.name === SAMPLER_NAME);
    return { ok: false, reason: `the C sampler does not compile here: ${f ? f.error.split('\n')[0] : 'no source'}` };
  }
  const local = join(built.dir, SAMPLER_NAME);
  if (session.target === 'local') return { ok: true, path: local, how: 'local' };

  const bytes = readFileSync(local);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const dir = opts.remoteDir ?? `/tmp/numa-lab-${built.hash}`;
  const remote = `${dir}/${SAMPLER_NAME}`;
  try {
    checkRemotePath(remote);
  } catch (e) {
    return { ok: false, reason: why(e) };
  }
  const candidates = [GUEST_SAMPLER_PATH, remote];
  // One round trip: the machine type, then "<sha> <path>" for each candidate that is there.
  const check = candidates.map((c) => `[ -x ${shQuote(c)} ] && echo "$(sha256sum ${shQuote(c)} 2>/dev/null | cut -d' ' -f1) ${c}"`).join('\n');
  let out: string;
  try {
    out = (await session.exec(`uname -m\n${check}\ntrue`, { timeoutMs: 30000 })).stdout;
  } catch (e) {
    return { ok: false, reason: `could not look for the C sampler on ${session.target}: ${why(e)}` };
  }
  const lines = out.split('\n').map((l) => l.trim());
  const machine = lines[0] ?? '';
  if (machine !== 'x86_64') return { ok: false, reason: `${session.target} is ${JSON.stringify(machine)}, and the C sampler is built for x86_64 only` };
  for (const line of lines.slice(1)) {
    const [h, path] = line.split(' ');
    if (h === sha && path && candidates.includes(path)) return runs(session, path, 'found');
  }
  const allowUpload = opts.allowUpload ?? !/^(testbox|serial):/.test(session.target);
  if (!allowUpload) return { ok: false, reason: `no copy of this C sampler build on ${session.target} (its initramfs predates it?), and it is not uploaded over a serial line` };
  try {
    log(`uploading ${SAMPLER_NAME} (${bytes.length} bytes) to ${session.target}:${remote}`);
    const mk = await session.exec(`mkdir -p ${shQuote(dir)}`, { timeoutMs: 30000 });
    if (mk.code !== 0) throw new Error(`mkdir ${dir} failed: ${mk.stderr.trim() || `status ${mk.code}`}`);
    await upload(session, bytes, remote, 0o755, { timeoutMs: 120000 });
  } catch (e) {
    return { ok: false, reason: `the C sampler could not be uploaded to ${session.target}:${remote}: ${why(e)}` };
  }
  return runs(session, remote, 'uploaded');
}

/**
 * The copy must also run there (a /tmp mounted noexec would refuse it): without arguments it
 * prints its usage and exits 2, touching nothing.
 */
async function runs(session: HostSession, path: string, how: 'found' | 'uploaded'): Promise<SamplerDeployment> {
  try {
    const r = await session.exec(`${shQuote(path)} >/dev/null 2>&1; echo "$?"`, { timeoutMs: 30000 });
    const status = r.stdout.trim();
    if (status === '2') return { ok: true, path, how };
    return { ok: false, reason: `${session.target}:${path} does not run there (status ${status || '?'}; a filesystem mounted noexec?)` };
  } catch (e) {
    return { ok: false, reason: `could not run the C sampler on ${session.target}: ${why(e)}` };
  }
}
