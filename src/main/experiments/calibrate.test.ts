import { describe, expect, it } from 'vitest';
import { calibratedBzeroRate } from './calibrate';

describe('calibrating the model to the measured sweep speed', () => {
  it('derives numa02 per-thread MiB/s from the slice, loops and the measured elapsed time', () => {
    // 256 MiB over 2 threads = 128 MiB slices, 40 loops in 4 s → 1280 MiB/s per thread.
    expect(calibratedBzeroRate('numa02', { size_mib: 256, loops: 40, threads: 0 }, [{ info: { elapsed_s: 4 } }, { info: { elapsed_s: 4 } }], 2)).toBe(1280);
  });
  it('uses the whole process memory per thread for numa01', () => {
    expect(calibratedBzeroRate('numa01', { size_mib: 256, loops: 10, threads: 0 }, [{ info: { elapsed_s: 5 } }], 2)).toBe(512);
  });
  it('leaves other workloads and missing timings alone', () => {
    expect(calibratedBzeroRate('thp-move', { thps: 8 }, [{ info: { elapsed_s: 1 } }], 2)).toBeUndefined();
    expect(calibratedBzeroRate('numa02', { size_mib: 256, loops: 40, threads: 0 }, [undefined], 2)).toBeUndefined();
  });
});
