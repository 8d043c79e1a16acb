/** Summary statistics for repetitions, and the significance rule run comparisons use. */
export interface Summary {
  n: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
}

/** The arithmetic mean; 0 for no values. The one mean of the lab (verdicts, calibration, the model's per-task knobs). */
export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export function summarize(xs: number[]): Summary {
  const n = xs.length;
  if (!n) return { n: 0, mean: 0, stddev: 0, min: 0, max: 0 };
  const m = mean(xs);
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) : 0;
  return { n, mean: m, stddev: Math.sqrt(variance), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (then ≈ normal). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (df < 1) return Infinity;
  return df <= 30 ? T975[Math.floor(df) - 1] : 1.96;
}

/** Half-width of the 95 % confidence interval of the mean. */
export function ci95(s: Summary): number {
  if (s.n < 2) return Infinity;
  return (tQuantile975(s.n - 1) * s.stddev) / Math.sqrt(s.n);
}

export type Significance = 'significant' | 'not significant' | 'differs (deterministic)' | 'same' | 'too few runs' | 'not measured';

/**
 * mmtests' compare-kernels marks a difference significant when the two confidence intervals
 * separate; LKP's "changed" rule wants the sample ranges apart. We require the 95 % confidence
 * intervals of the means not to overlap. With one run per side nothing can be said about noise,
 * except for counters the kernel computes deterministically, where any difference is real.
 */
export function significance(a: Summary, b: Summary, deterministic: boolean): Significance {
  // A side with no run of this phase (its kernel crashed before the phase ended) has nothing to compare.
  if (a.n === 0 || b.n === 0) return 'not measured';
  if (a.mean === b.mean && a.stddev === 0 && b.stddev === 0) return 'same';
  if (deterministic && a.stddev === 0 && b.stddev === 0) return 'differs (deterministic)';
  if (a.n < 2 || b.n < 2) return 'too few runs';
  const gap = Math.abs(a.mean - b.mean);
  return gap > ci95(a) + ci95(b) ? 'significant' : 'not significant';
}
