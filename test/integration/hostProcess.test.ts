import { describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';
import { HostProcess } from '../../src/main/experiments/hostProcess';

// A workload runs detached on the host and is polled for new output and its exit status.
// The poll that first sees the exit must also return everything the workload printed: a
// workload's last line (its JSON result, a custom command's answer) is usually printed just
// before it exits, so a poll that read the output first and the status second lost it whenever
// the exit fell between the two reads (CI once lost `wc -c`'s answer that way).
const lab = labInTempDir('hostproc', { knobs: { autoRestore: false } });

describe('HostProcess.poll', () => {
  it('returns the last line printed before the exit in the poll that reports the exit, however the exit falls', async () => {
    const session = await lab.session('local');
    // Many short-lived processes polled back to back, so exits land at every point of a poll.
    for (let i = 0; i < 40; i++) {
      const delay = (i % 8) * 0.004;
      const proc = await HostProcess.start(session, ['sh', '-c', `echo first; sleep ${delay}; echo last-${i}; exit 3`]);
      try {
        let output = '';
        let exit: { code: number } | undefined;
        while (!exit) ({ output: output, exit } = await proc.poll().then((r) => ({ output: output + r.output, exit: r.exit })));
        expect(exit.code).toBe(3);
        expect(output).toBe(`first\nlast-${i}\n`);
      } finally {
        await proc.cleanup();
      }
    }
  });

  it('returns output in order and never twice across polls', async () => {
    const session = await lab.session('local');
    const proc = await HostProcess.start(session, ['sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done']);
    try {
      let output = '';
      for (;;) {
        const r = await proc.poll();
        output += r.output;
        if (r.exit) break;
      }
      expect(output.trim().split('\n')).toEqual(Array.from({ length: 200 }, (_, i) => `line-${i}`));
    } finally {
      await proc.cleanup();
    }
  });
});
