import { describe, expect, it } from 'vitest';
import { calibratedBzeroRate, calibrationInputs, calibrationKnobs } from './calibrate';

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

describe('calibrating the model to the CPU time the workload had (task_tick_numa scans by it)', () => {
  it('numa-touch: CPU before the window and the share of the window, averaged over the runs', () => {
    const runs = [{ info: { move_pages_s: 8, cpu_s: 7.96, task_cpu_s: 7.98 } }, { info: { move_pages_s: 8, cpu_s: 8, task_cpu_s: 8.03 } }];
    expect(calibrationKnobs('numa-touch', { thps: 8, secs: 8 }, runs, 2)).toEqual({ 'sim.prewindow_cpu_ms': '25', 'sim.cpu_share': '0.9975' });
  });
  it('numa01/numa02: the sweep speed and the threads\' CPU clocks; share capped at 1', () => {
    const k = calibrationKnobs('numa02', { size_mib: 256, loops: 40, threads: 0 }, [{ info: { elapsed_s: 4, thread_cpu_s: 4.2, thread_task_cpu_s: 4.5 } }], 2);
    expect(k).toEqual({ 'sim.bzero_mib_per_sec': '1280', 'sim.prewindow_cpu_ms': '300', 'sim.cpu_share': '1' });
  });
  it('derives nothing from results without the clocks (older workload builds, custom commands)', () => {
    expect(calibrationKnobs('numa-touch', { thps: 8 }, [{ info: { move_pages_s: 8 } }], 2)).toEqual({});
    expect(calibrationKnobs('custom', {}, [undefined], 2)).toEqual({});
  });
});

describe('calibrating the model to where the workload process started (its own pages are there)', () => {
  it('numa-touch: the nodes thp-move reports for its start-up pages; per kind, the most common one over the runs', () => {
    const run = (image_nodes: unknown) => ({ info: { image_nodes } });
    expect(calibrationKnobs('numa-touch', { thps: 2 }, [run([0, 1, 1, 1])], 2)).toEqual({ 'sim.image_nodes': '0,1,1,1' });
    expect(calibrationKnobs('numa-touch', { thps: 2 }, [run([1, 1, 1, 1]), run([0, 0, 0, 0]), run([1, 1, 0, 1])], 2)).toEqual({ 'sim.image_nodes': '1,1,0,1' });
    // a tie goes to the lower node
    expect(calibrationKnobs('numa-touch', { thps: 2 }, [run([1, 1, 1, 1]), run([0, 0, 0, 0])], 2)).toEqual({ 'sim.image_nodes': '0,0,0,0' });
    // a page move_pages(2) could not place (-ENOENT as -2), or no report at all: no knob, not node 0
    expect(calibrationKnobs('numa-touch', { thps: 2 }, [run([1, -2, 1, 1])], 2)).toEqual({});
    expect(calibrationKnobs('numa-touch', { thps: 2 }, [run('x'), run(null), run([0.5, 0, 0, 0])], 2)).toEqual({});
  });
});

describe('calibrating numa01/numa02 per thread (each is scanned by its own clock)', () => {
  it('lists the CPU time before the window and the share per thread, process by process, averaged over the runs', () => {
    const run = (cpu: number[], task: number[], elapsed = 1) => ({ info: { elapsed_s: elapsed, thread_cpu_s: 0.8, thread_task_cpu_s: 1, threads_cpu_s: cpu, threads_task_cpu_s: task } });
    const k = calibrationKnobs('numa01', { size_mib: 256, loops: 10, threads: 0 }, [run([0.8, 0.7], [1.2, 0.8]), run([0.8, 0.9], [1.0, 1.0])], 2);
    expect(k['sim.prewindow_cpu_ms']).toBe('300,100');
    expect(k['sim.cpu_share']).toBe('0.8,0.8');
  });
  it('falls back to the mean clocks when a run lacks the per-thread report or the thread counts differ', () => {
    const k = calibrationKnobs('numa02', { size_mib: 256, loops: 40, threads: 0 }, [{ info: { elapsed_s: 4, thread_cpu_s: 4.2, thread_task_cpu_s: 4.5, threads_cpu_s: [4.2, 4.2], threads_task_cpu_s: [4.5] } }], 2);
    expect(k['sim.prewindow_cpu_ms']).toBe('300');
  });
});

describe('calibrating numa01/numa02 to where ASLR put the region (6.1 does not align anonymous mappings)', () => {
  it('passes each process\'s alignment head, the most common value over the runs', () => {
    const run = (region_head_gap_pages: unknown) => ({ info: { region_head_gap_pages } });
    expect(calibrationKnobs('numa02', { size_mib: 256, loops: 40, threads: 0 }, [run([503])], 2)['sim.region_head_gap_pages']).toBe('503');
    expect(calibrationKnobs('numa01', { size_mib: 256, loops: 10, threads: 0 }, [run([12, 0]), run([40, 0]), run([12, 7])], 2)['sim.region_head_gap_pages']).toBe('12,0');
    // older builds (no report) or nonsense: no knob
    expect(calibrationKnobs('numa02', { size_mib: 256, loops: 40, threads: 0 }, [{ info: {} }], 2)['sim.region_head_gap_pages']).toBeUndefined();
    expect(calibrationKnobs('numa02', { size_mib: 256, loops: 40, threads: 0 }, [run([600])], 2)['sim.region_head_gap_pages']).toBeUndefined();
  });
});

describe('calibration inputs: each value with where it came from', () => {
  it('names the workload clock each knob comes from, and over which repetitions', () => {
    const runs = [{ info: { move_pages_s: 8, cpu_s: 7.96, task_cpu_s: 7.98, image_nodes: [1, 1, 1, 1] } }];
    const inputs = calibrationInputs('numa-touch', { thps: 8, secs: 8 }, runs, 2, 'repetition 3');
    expect(inputs.map((i) => [i.knob, i.value, i.source])).toEqual([
      ['sim.prewindow_cpu_ms', '20', 'measured'],
      ['sim.cpu_share', '0.995', 'measured'],
      ['sim.image_nodes', '1,1,1,1', 'measured'],
    ]);
    expect(inputs[0]!.detail).toBe('task_cpu_s − cpu_s (CPU time before the window), repetition 3');
  });
});

describe('the wall time before the window (numa01/numa02: when the forked mm\'s numa_next_scan comes)', () => {
  it('is the mean of the runs\' prewindow_wall_s, in ms', () => {
    const runs = [{ info: { elapsed_s: 1, prewindow_wall_s: 0.5 } }, { info: { elapsed_s: 1, prewindow_wall_s: 0.7 } }];
    expect(calibrationKnobs('numa01', { size_mib: 256, loops: 10, threads: 0 }, runs, 2)['sim.prewindow_wall_ms']).toBe('600');
  });
});
