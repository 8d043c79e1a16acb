import { restoreKnobFiles, snapshotKnobFiles } from './knobGuard';

/**
 * vitest globalSetup: whatever any test file does to this machine's THP and NUMA knobs (and
 * whether the lab mounted debugfs), the values from before the run are put back when it ends.
 */
export default function setup(): () => void {
  if (process.getuid?.() !== 0) return () => {};
  const snap = snapshotKnobFiles();
  return () => {
    const fixed = restoreKnobFiles(snap, { unmountDebugfs: true });
    if (fixed.length) process.stderr.write(`knob guard: put back after the test run: ${fixed.join(' ')}\n`);
  };
}
