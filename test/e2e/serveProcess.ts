import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/main/repoRoot';

/** Starts the real `numa-lab serve` CLI and waits for the URL line it prints. */
export async function startServe(dbPath: string): Promise<{ url: string; port: number; token: string; child: ChildProcess; output: () => string }> {
  const root = repoRoot();
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('could not build the UI for the e2e test');
  const child = spawn(process.execPath, [join(root, 'bin', 'numa-lab.mjs'), 'serve', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`numa-lab serve printed no URL within 30 s:\n${out}`)), 30000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`numa-lab serve exited (${code}):\n${out}`)));
  });
  const u = new URL(url);
  return { url, port: Number(u.port), token: u.searchParams.get('token')!, child, output: () => out };
}
