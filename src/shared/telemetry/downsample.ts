/**
 * Downsampling so a chart never asks for more points than it has pixels.
 *
 * - LTTB (Steinarsson's Largest-Triangle-Three-Buckets) keeps the visual shape of rates.
 * - Min/max buckets keep every extreme (a one-sample spike in a gauge stays visible).
 * Both are pure and allocation-light: typed arrays in, typed arrays out.
 */

export interface XY {
  x: Float64Array;
  y: Float64Array;
}

/** Indices LTTB keeps (first and last always). `threshold` >= 3, else every point up to it. */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Uint32Array {
  const n = x.length;
  if (threshold >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  if (threshold < 3) return threshold <= 0 ? new Uint32Array(0) : threshold === 1 ? Uint32Array.of(0) : Uint32Array.of(0, n - 1);
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j];
      avgY += y[j];
    }
    const len = nextEnd - nextStart || 1;
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = x[a];
    const ay = y[a];
    let best = -1;
    let pick = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (y[j] - ay) - (ax - x[j]) * (avgY - ay));
      if (area > best) {
        best = area;
        pick = j;
      }
    }
    out[i + 1] = pick;
    a = pick;
  }
  out[threshold - 1] = n - 1;
  return out;
}

export function lttb(s: XY, threshold: number): XY {
  if (s.x.length <= threshold) return s;
  const idx = lttbIndices(s.x, s.y, threshold);
  return pick(s, idx);
}

/**
 * Min/max per time bucket: at most 2 points per bucket (in time order), so at most
 * `maxPoints` points for `maxPoints / 2` buckets. NaN (counter absent) is skipped.
 */
export function minMaxBuckets(s: XY, maxPoints: number): XY {
  const n = s.x.length;
  if (n <= maxPoints) return s;
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const x0 = s.x[0];
  const span = s.x[n - 1] - x0 || 1;
  const idx: number[] = [];
  let b = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (lo < 0) return;
    if (lo === hi) idx.push(lo);
    else if (lo < hi) idx.push(lo, hi);
    else idx.push(hi, lo);
  };
  for (let i = 0; i < n; i++) {
    const bi = Math.min(buckets - 1, Math.floor(((s.x[i] - x0) / span) * buckets));
    if (bi !== b) {
      flush();
      b = bi;
      lo = hi = -1;
    }
    const v = s.y[i];
    if (Number.isNaN(v)) continue;
    if (lo < 0 || v < s.y[lo]) lo = i;
    if (hi < 0 || v > s.y[hi]) hi = i;
  }
  flush();
  return pick(s, Uint32Array.from(idx));
}

function pick(s: XY, idx: Uint32Array): XY {
  const x = new Float64Array(idx.length);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    x[i] = s.x[idx[i]];
    y[i] = s.y[idx[i]];
  }
  return { x, y };
}
