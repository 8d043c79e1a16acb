import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVENESS_BOUND_MS, settlesWithin } from '../support/liveness';
import { ChannelError, CommandChannel } from '../../src/main/hosts/commandChannel';
import { LocalTransport } from '../../src/main/hosts/localTransport';

// The command channel over a real pty running the real /bin/sh of this machine.
describe('command channel over a local pty', () => {
  const transport = new LocalTransport();
  let ch: CommandChannel;
  beforeAll(async () => {
    ch = await CommandChannel.open(await transport.openChannelStream());
  });
  afterAll(() => transport.close());

  it('returns stdout, stderr and the exit status separately', async () => {
    const r = await ch.exec('echo $((6*7)); echo oops >&2; exit 3');
    expect(r).toMatchObject({ stdout: '42\n', stderr: 'oops\n', code: 3 });
  });

  it('is byte-exact: control bytes, the frame separator, CR and invalid UTF-8 come back unaltered', async () => {
    const r = await ch.exec("printf '\\001\\036\\377\\r\\n\\003end'");
    expect([...r.stdoutBytes]).toEqual([1, 0x1e, 0xff, 13, 10, 3, ...Buffer.from('end')]);
  });

  it('carries scripts with quotes, control bytes and long lines without quoting trouble', async () => {
    const weird = `a'b"c$(x)\`y\`;\\ \x01\x03 tab\there`;
    const long = 'x'.repeat(20000);
    const r = await ch.exec(`cat <<'EOF'\n${weird}\n${long}\nEOF`);
    expect(r.stdout).toBe(`${weird}\n${long}\n`);
  });

  it('handles large outputs', async () => {
    const r = await ch.exec('head -c 3000000 /dev/zero | tr "\\0" a');
    expect(r.stdoutBytes.length).toBe(3_000_000);
  });

  it('runs queued commands in order', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => ch.exec(`echo ${i}`)));
    expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('interrupts a command past its timeout with a clear error, and the channel still works', async () => {
    // The timeout's own error, long before the sleep would end.
    await expect(settlesWithin(ch.exec('sleep 30', { timeoutMs: 300 }), LIVENESS_BOUND_MS, 'the timed-out command failing')).rejects.toThrow(/did not finish within 300 ms/);
    expect((await ch.exec('echo alive')).stdout).toBe('alive\n');
  });

  it('cancels on an AbortSignal', async () => {
    const ac = new AbortController();
    const p = ch.exec('sleep 30', { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    expect((await ch.exec('echo still')).stdout).toBe('still\n');
  });

  it('streams stdout of a long-running command as it is produced', async () => {
    const seen: string[] = [];
    const r = await ch.exec('for i in 1 2 3; do echo tick$i; sleep 0.1; done', { onStdout: (b) => seen.push(b.toString()) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.join('')).toBe(r.stdout);
  });

  it('isolates commands: cd, variables and exit in one do not leak into the next', async () => {
    await ch.exec('cd /tmp; FOO=bar; exit 0');
    expect((await ch.exec('pwd; echo "[$FOO]"')).stdout).toBe('/\n[]\n');
  });

  it('commands cannot read the protocol stream (stdin is /dev/null)', async () => {
    expect((await ch.exec('cat; echo done')).stdout).toBe('done\n');
  });

  it('fails commands with a clear error when the shell dies, instead of hanging', async () => {
    const t = new LocalTransport();
    const c = await CommandChannel.open(await t.openChannelStream());
    const p = c.exec('kill -9 $$; sleep 10');
    await expect(p).rejects.toBeInstanceOf(ChannelError);
    await expect(p).rejects.toThrow(/closed while the command ran/);
    await expect(c.exec('true')).rejects.toThrow(/channel is closed/);
    await t.close();
  });
});
