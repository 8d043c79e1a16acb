import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/**
 * Runs a program (never through a shell: arguments are passed as they are) and collects its
 * output. Rejects only when it cannot be started; a non-zero exit is the caller's to judge.
 */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: Buffer } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const bytes = Buffer.concat(out);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr: Buffer.concat(err).toString('utf8') });
    });
    if (opts.input) child.stdin!.end(opts.input);
  });
}

/** Like run, but a non-zero exit becomes an error carrying the tool's last stderr lines. */
export async function runOk(cmd: string, args: string[], what: string, opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split('\n').slice(-6).join('\n');
    throw new Error(`${what} failed (${cmd} exited with status ${r.code}): ${tail}`);
  }
  return r;
}
