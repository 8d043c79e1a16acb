import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../src/main/repoRoot';

const run = promisify(execFile);
const cli = join(repoRoot(), 'bin', 'numa-lab.mjs');

/** `numa-lab …` as a user's script runs it (the bin, a process of its own): exit status and output. */
export async function numaLab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return numaLabWithin(60000, ...args);
}

/** The same, for a command that runs longer than a minute by design (a 60 s sampling run). */
export async function numaLabWithin(timeoutMs: number, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [cli, ...args], { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
