/**
 * Scan boundaries: when a NUMA-balancing scan is predicted close to the end of the measured
 * window, whether it lands inside is decided by a few tens of ms of CPU time, so one prediction
 * cannot judge a run.
 *
 * task_tick_numa() compares the task's sum_exec_runtime with node_stamp + period, and only at a
 * scheduler tick; the crossing is seen at the first tick after it, never before. On the virtual
 * NUMA box that tick is presumably late at times (the guest's clock runs on while QEMU's vCPU
 * thread waits for a host core, so the task's runtime jumps; not traced). Measured on the box
 * (numa-touch thps=8 secs=8, the third scan predicted at 8.016 s of CPU time): no third scan at
 * 8.029 s (6.12) and 8.045 s (6.1) of CPU at the window's end, a third scan at 8.035 s (6.12),
 * 8.084 s and 8.090 s (6.1): late by up to ~75 ms, never early. So a replay is also run with the
 * CPU time before the window SCAN_BOUNDARY_CPU_MS lower, and a counter whose prediction changes
 * is `undecided` for that run if the measured value fits the range, `diverged` if it fits none.
 */
export const SCAN_BOUNDARY_CPU_MS = 100;

export const PREWINDOW_KNOB = 'sim.prewindow_cpu_ms';

/**
 * The knobs with every task's CPU time before the window shifted by `deltaMs` (never below 0).
 * undefined when the knobs do not set it (nothing calibrated the prediction by CPU time).
 */
export function shiftPrewindow<V extends string | number | boolean>(knobs: Record<string, V>, deltaMs: number): Record<string, V | string> | undefined {
  const raw = knobs[PREWINDOW_KNOB];
  if (raw === undefined) return undefined;
  const v = String(raw);
  const shifted = v.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isFinite(n)) throw new Error(`${PREWINDOW_KNOB}=${v}: ${JSON.stringify(x)} is not a number of milliseconds`);
    return String(Math.round(Math.max(0, n + deltaMs) * 10) / 10);
  });
  return { ...knobs, [PREWINDOW_KNOB]: shifted.join(',') };
}

export interface PredictedRange {
  lo: number;
  hi: number;
}

/** Per counter, the lowest and highest of several predictions; only counters on which they differ. */
export function predictedRanges(predictions: Array<Record<string, number>>): Record<string, PredictedRange> {
  const names = new Set(predictions.flatMap((p) => Object.keys(p)));
  const out: Record<string, PredictedRange> = {};
  for (const n of names) {
    const values = predictions.map((p) => p[n] ?? 0);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    if (lo < hi) out[n] = { lo, hi };
  }
  return out;
}
