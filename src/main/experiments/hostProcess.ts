import type { HostSession } from '../hosts/hostSession';
import { shQuote, shQuoteAll } from '../hosts/shQuote';

/**
 * A workload process on a host, detached from every channel: it runs under `setsid` with its
 * output in files of a private temp dir, so it needs no channel of its own (a serial guest has
 * few), keeps running if a channel hiccups, and can be stopped by the lab at any time.
 * The lab polls its output over the primary channel and signals it by pid.
 */
export interface HostProcessExit {
  code: number;
}

const DIR = /^\/[A-Za-z0-9._\/-]+$/;
const PID = /^\d+$/;

export class HostProcess {
  private offset = 0;
  private exited: HostProcessExit | undefined;

  private constructor(
    private readonly session: HostSession,
    readonly dir: string,
    readonly pid: number,
  ) {}

  /**
   * Starts argv[0] with argv[1..] (every word quoted; argv comes from the workload catalog and
   * validated parameters). The inner sh writes its pid and execs, so `pid` is the workload's own.
   */
  static async start(session: HostSession, argv: string[], opts: { asRoot?: (script: string) => string } = {}): Promise<HostProcess> {
    // numalab-mpol (the virtual box's channel shells run under MPOL_LOCAL so NUMA balancing
    // never scans them; see resources/testbox/numalab-mpol.c): the workload goes back to the
    // default policy, so the kernel balances it as on any machine. Other hosts have no such
    // helper and their shells already have the default policy.
    const inner = 'echo $$ > "$D/pid"; [ -x /usr/sbin/numalab-mpol ] && exec /usr/sbin/numalab-mpol default "$@"; exec "$@"';
    const outer = `sh -c ${shQuote(inner)} sh "$@" > "$D/out" 2> "$D/err" </dev/null; echo $? > "$D/rc"`;
    const script = `D=$(mktemp -d /tmp/numalab-wl.XXXXXX) || exit 1
export D
setsid sh -c ${shQuote(outer)} sh ${shQuoteAll(argv)} >/dev/null 2>&1 </dev/null &
i=0; while [ ! -s "$D/pid" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
echo "$D"; cat "$D/pid"`;
    const out = await session.run(opts.asRoot ? opts.asRoot(script) : script, { timeoutMs: 20000 });
    const [dir, pid] = out.trim().split('\n');
    if (!dir || !DIR.test(dir) || !pid || !PID.test(pid.trim())) throw new Error(`the workload did not start on ${session.target}: ${out.trim() || '(no output)'}`);
    return new HostProcess(session, dir, Number(pid));
  }

  /** New output since the last poll, and the exit status once it ended. */
  async poll(): Promise<{ output: string; exit?: HostProcessExit }> {
    const d = shQuote(this.dir);
    // rc is read BEFORE the output: rc is written only after the workload's stdout is closed,
    // so once it is seen, the output read after it is complete. Read the other way round, a
    // process that prints its last line and exits between the two reads loses that line.
    const r = await this.session.run(`rc=$(cat ${d}/rc 2>/dev/null); tail -c +${this.offset + 1} ${d}/out 2>/dev/null; printf '\\036%s' "$rc"`, { timeoutMs: 15000 });
    const sep = r.lastIndexOf('\x1e');
    const output = r.slice(0, sep);
    const rc = r.slice(sep + 1).trim();
    this.offset += Buffer.byteLength(output, 'utf8');
    if (/^\d+$/.test(rc)) this.exited = { code: Number(rc) };
    return { output, exit: this.exited };
  }

  async stderr(): Promise<string> {
    return this.session.run(`cat ${shQuote(this.dir)}/err 2>/dev/null; true`, { timeoutMs: 10000 });
  }

  async signal(sig: 'USR1' | 'TERM' | 'KILL'): Promise<void> {
    await this.session.exec(`kill -${sig} ${this.pid} 2>/dev/null; true`, { timeoutMs: 10000 });
  }

  /** Stops the workload (TERM, then KILL) and removes its files. Safe to call twice. */
  async stop(): Promise<void> {
    await this.session
      .exec(`kill -TERM ${this.pid} 2>/dev/null; i=0; while kill -0 ${this.pid} 2>/dev/null && [ $i -lt 50 ]; do sleep 0.05; i=$((i+1)); done; kill -KILL ${this.pid} 2>/dev/null; true`, { timeoutMs: 15000 })
      .catch(() => undefined);
  }

  async cleanup(): Promise<void> {
    await this.session.exec(`rm -rf ${shQuote(this.dir)}`, { timeoutMs: 10000 }).catch(() => undefined);
  }
}
