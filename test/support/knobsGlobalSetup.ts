import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles } from './knobGuard';

/**
 * vitest globalSetup: whatever any test file does to this machine's THP and NUMA knobs (and
 * whether the lab mounted debugfs), the values from before the run are put back when it ends.
 * Both the snapshot and the restore hold the knob lock: another vitest run on the machine (a
 * developer's single file beside `npm test`) may be mid-test with a knob changed, and neither its
 * temporary value must be taken for an original nor its test see the value put back under it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) return async () => {};
  const snap = await underKnobLock(snapshotKnobFiles);
  return async () => {
    const fixed = await underKnobLock(() => restoreKnobFiles(snap, { unmountDebugfs: true }));
    if (fixed.length) process.stderr.write(`knob guard: put back after the test run: ${fixed.join(' ')}\n`);
  };
}

async function underKnobLock<T>(f: () => T): Promise<T> {
  const release = await lockMachineKnobs();
  try {
    return f();
  } finally {
    release();
  }
}
