import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostSession } from '../hosts/hostSession';
import { shQuote } from '../hosts/shQuote';
import { upload } from '../hosts/upload';
import { compileWorkloads } from '../testbox/workloads';
import { GUEST_WORKLOAD_DIR } from '../testbox/initramfs';

/**
 * Puts a workload binary where the host can run it, and returns that path:
 * - the local host runs the static binary the lab compiled (gcc -static) in its cache;
 * - a host that already has the same build (the virtual NUMA box carries them in its initramfs)
 *   uses it, checked by sha256;
 * - any other host gets the static binary uploaded (no compiler needed there), checksum-verified.
 */
export async function deployWorkload(session: HostSession, name: string, log: (l: string) => void = () => {}): Promise<string> {
  const built = await compileWorkloads(log);
  if (!built.names.includes(name)) throw new Error(`no workload program ${name} in resources/workloads (have: ${built.names.join(', ')})`);
  const local = join(built.dir, name);
  if (session.target === 'local') return local;
  const sha = createHash('sha256').update(readFileSync(local)).digest('hex');
  const candidates = [`${GUEST_WORKLOAD_DIR}/${name}`, `/tmp/numa-lab-${built.hash}/${name}`];
  const check = candidates.map((c) => `[ -x ${shQuote(c)} ] && echo "$(sha256sum ${shQuote(c)} 2>/dev/null | cut -d' ' -f1) ${c}"`).join('\n');
  const have = await session.exec(`${check}\ntrue`, { timeoutMs: 30000 });
  for (const line of have.stdout.split('\n')) {
    const [h, path] = line.trim().split(' ');
    if (h === sha && path) return path;
  }
  const remote = `/tmp/numa-lab-${built.hash}/${name}`;
  log(`uploading ${name} (${readFileSync(local).length} bytes) to ${session.target}:${remote}`);
  await session.run(`mkdir -p ${shQuote(`/tmp/numa-lab-${built.hash}`)}`);
  await upload(session, local, remote, 0o755);
  return remote;
}
