import { CommandChannel, type ExecOptions, type ExecResult } from './commandChannel';
import type { ByteStream, Transport } from './transport';

/**
 * One host the lab is connected to: its transport, a primary command channel opened on first
 * use (and reopened if it dies), dedicated channels for long-running streams, and the terminal
 * streams shown to the user. Callers never see which kind of host it is.
 */
export class HostSession {
  private primary: Promise<CommandChannel> | undefined;
  private readonly extra = new Set<CommandChannel>();

  constructor(
    readonly target: string,
    readonly transport: Transport,
  ) {}

  private channel(): Promise<CommandChannel> {
    if (!this.primary) {
      const opening = this.transport.openChannelStream().then((s) => CommandChannel.open(s));
      this.primary = opening;
      opening.then(
        (ch) =>
          ch.onClose(() => {
            if (this.primary === opening) this.primary = undefined;
          }),
        () => {
          if (this.primary === opening) this.primary = undefined;
        },
      );
    }
    return this.primary;
  }

  /** Runs a lab command on the host (queued behind others on the primary channel). */
  async exec(script: string, opts?: ExecOptions): Promise<ExecResult> {
    return (await this.channel()).exec(script, opts);
  }

  /** Like exec, but a non-zero status becomes an error carrying stderr. */
  async run(script: string, opts?: ExecOptions): Promise<string> {
    const r = await this.exec(script, opts);
    if (r.code !== 0) {
      const first = script.split('\n')[0];
      throw new Error(`command failed on ${this.target} (status ${r.code}): ${r.stderr.trim() || '(no stderr)'} [${first.length > 80 ? `${first.slice(0, 80)}…` : first}]`);
    }
    return r.stdout;
  }

  /** A channel of its own, for a command that runs for long (the sampler) without blocking others. */
  async openDedicatedChannel(): Promise<CommandChannel> {
    const ch = await CommandChannel.open(await this.transport.openChannelStream());
    this.extra.add(ch);
    ch.onClose(() => this.extra.delete(ch));
    return ch;
  }

  openTerminal(cols: number, rows: number): Promise<ByteStream> {
    return this.transport.openTerminalStream(cols, rows);
  }

  async close(): Promise<void> {
    const p = this.primary;
    this.primary = undefined;
    if (p) (await p.catch(() => undefined))?.close('the host session was closed');
    for (const ch of this.extra) ch.close('the host session was closed');
    await this.transport.close();
  }
}
