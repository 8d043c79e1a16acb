import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { catalogPaths, DEBUGFS_MOUNT, knobRank, mthpKnobs, MTHP_DIR_RE, THP_SYSFS_DIR, KNOB_CATALOG, safeWriteOrder } from '../../src/shared/knobs';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';

/**
 * The tests' last line of defence for this machine: read every catalog knob with node:fs before
 * a test writes anything, and write the values back directly (no lab code involved) afterwards,
 * whatever happened in between.
 */
export interface KnobFileSnapshot {
  values: { id: string; path: string; value: string }[];
  debugfsMounted: boolean;
}

function debugfsMounted(): boolean {
  return readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === DEBUGFS_MOUNT && l.split(' ')[2] === 'debugfs');
}

export function snapshotKnobFiles(): KnobFileSnapshot {
  const sizes = existsSync(THP_SYSFS_DIR)
    ? readdirSync(THP_SYSFS_DIR).flatMap((d) => {
        const m = MTHP_DIR_RE.exec(d);
        return m ? [Number(m[1])] : [];
      })
    : [];
  const defs = [...KNOB_CATALOG, ...mthpKnobs(sizes)];
  const values: KnobFileSnapshot['values'] = [];
  for (const def of defs) {
    for (const path of catalogPaths([def])) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch {
        continue;
      }
      const value = def.value.kind === 'choice' && !def.value.fixed ? parseSysfsChoice(text)?.selected : text;
      if (value !== undefined) values.push({ id: def.id, path, value });
    }
  }
  return { values, debugfsMounted: debugfsMounted() };
}

/** Writes back every value that differs now, in the safe order; returns what it had to fix. */
export function restoreKnobFiles(snap: KnobFileSnapshot, opts: { unmountDebugfs?: boolean } = {}): string[] {
  const fixed: string[] = [];
  for (const v of safeWriteOrder(snap.values.map((x) => ({ ...x, rank: knobRank(x.id) })))) {
    try {
      const text = readFileSync(v.path, 'utf8').trim();
      const now = text.includes('[') ? parseSysfsChoice(text)?.selected : text;
      if (now === v.value) continue;
      writeFileSync(v.path, v.value);
      fixed.push(`${v.id}=${v.value}`);
    } catch {
      // a knob that cannot be read or written back now is reported by the tests themselves
    }
  }
  if (opts.unmountDebugfs && !snap.debugfsMounted && debugfsMounted()) {
    try {
      execFileSync('umount', [DEBUGFS_MOUNT]);
    } catch {
      // still in use by a concurrent test file; the global teardown tries again
    }
  }
  return fixed;
}

const LOCK = '/tmp/numa-lab-test-knobs.lock';

/**
 * Test files that write this machine's knobs run one at a time (vitest runs two files at once):
 * each holds this lock from before its snapshot until after its restore. A lock left by a dead
 * process is taken over.
 */
export async function lockMachineKnobs(timeoutMs = 240_000): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(LOCK, 'utf8') === String(process.pid)) unlinkSync(LOCK);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(LOCK, 'utf8'));
      } catch {
        continue;
      }
      if (Number.isInteger(holder) && holder > 0 && !existsSync(`/proc/${holder}`)) {
        try {
          unlinkSync(LOCK);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > until) throw new Error(`another test process (${holder}) held ${LOCK} for over ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
