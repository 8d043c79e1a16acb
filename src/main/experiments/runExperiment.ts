import type { HostFacts } from '../../shared/hostFacts';
import type { ExperimentResult, MovePagesSummary } from '../../shared/experiment';
import { totalDeltas } from '../../shared/experiment';
import { vmstatDelta } from '../../shared/experiments/vmstat';
import { anyDiverged, verdicts, type CounterVerdict } from '../../shared/experiments/verdict';
import { minNodes, parseWorkloadParams, WORKLOADS, type WorkloadParams } from '../../shared/workloads';
import { LabApiError } from '../../shared/api/labApi';
import type { SimResult, SimSpec } from '../../sim';
import { isModelKnob, MODEL_KNOBS, normalizeKnobs } from '../../sim/knobs';
import type { HostSession } from '../hosts/hostSession';
import type { KnobService } from '../knobs/knobService';
import type { TelemetryService } from '../telemetry/service';
import { runSim } from '../sim/runSim';
import { deployWorkload } from './deployWorkload';
import { HostProcess } from './hostProcess';
import { vmstatSnapshot } from './snapshot';
import { LineSplitter, parseWorkloadLine } from './workloadLines';
import { workloadArgs, workloadBinary } from './workloadCommand';
import { calibrationKnobs } from './calibrate';
import { scanBoundaryRanges } from './scanBoundaries';

/** What a user asks for: the same spec drives the real run and the prediction. */
export interface ExperimentRequest {
  target: string;
  workload: string;
  params: Record<string, string>;
  knobs: Record<string, string>;
  repeat: number;
  rateHz: number;
  /** Override of the kernel model (a variant or a release); default: the host's release. */
  kernel?: string;
  baselineS: number;
  cooldownS: number;
}

export type ExperimentPhase = 'prepare' | 'baseline' | 'setup' | 'migrate' | 'cooldown' | 'restore' | 'simulate' | 'done';

export interface ExperimentProgress {
  repetition: number;
  of: number;
  phase: ExperimentPhase;
  message: string;
}

export interface MeasuredRun extends ExperimentResult {
  /** Telemetry run holding the time series of this repetition. */
  runId: number | null;
  /** Seconds from the telemetry run's start to the workload's start (to align the prediction). */
  workloadStartS: number | null;
  status: 'completed' | 'stopped' | 'failed' | 'host-lost';
  error: string | null;
  refreshed: boolean;
  output: string;
  /** The workload's own `NUMALAB result` JSON (elapsed times, nodes before/after, ...). */
  result?: Record<string, unknown>;
}

export interface ExperimentOutcome {
  spec: { target: string; workload: string; params: WorkloadParams; knobs: Record<string, string>; kernel: string; topology: SimSpec['topology'] };
  measured: MeasuredRun[];
  /** null for `custom`: measured, never simulated. */
  predicted: SimResult | null;
  verdicts: CounterVerdict[];
  verdictsByPhase: Record<string, CounterVerdict[]>;
  diverged: boolean;
  /** NUMA-balancing workloads: the prediction for each completed repetition's own CPU clocks. */
  predictedPerRun?: PredictedRun[];
}

export interface PredictedRun {
  /** 1-based, as in `measured`. */
  repetition: number;
  /** The calibration knobs of that repetition (sim.prewindow_cpu_ms, sim.cpu_share, ...). */
  knobs: Record<string, string>;
  phases: Record<string, Record<string, number>>;
  deltas: Record<string, number>;
}

export interface ExperimentDeps {
  session: (target: string) => Promise<HostSession>;
  probe: (target: string) => Promise<HostFacts>;
  knobs: KnobService;
  telemetry: TelemetryService;
  log?: (line: string) => void;
}

/** Workloads whose memory moves through NUMA balancing, not a system call. */
const BALANCING_WORKLOADS = ['numa-touch', 'numa01', 'numa02'];

/** Waits, or less when the run is stopped; leaves no listener behind on the signal. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Refuses a spec the host cannot run, before anything is written or started. */
export function checkRunnable(req: ExperimentRequest, facts: HostFacts): WorkloadParams {
  if (!(req.workload in WORKLOADS)) throw new LabApiError(`unknown workload ${JSON.stringify(req.workload)}; allowed: ${Object.keys(WORKLOADS).join(', ')}`, 'bad-request');
  let params: WorkloadParams;
  try {
    params = parseWorkloadParams(req.workload, req.params);
  } catch (e) {
    throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-request');
  }
  const need = minNodes(req.workload, params);
  if (facts.nodes.length < need) {
    throw new LabApiError(
      `${req.workload} with these parameters needs ${need} NUMA nodes, and ${facts.target} has ${facts.nodes.length}. ` +
        `Nothing was run. Boot a virtual NUMA box (numa-lab testbox up --kernel 6.12 --nodes 2) and run against its testbox:<name> target` +
        (req.workload === 'thp-move' ? ', or pass --param migrate=0 to measure the faults alone' : ''),
      'needs-nodes',
    );
  }
  // `to` only matters when something moves: thp-move with migrate=0 runs on a one-node host.
  const keys = params.migrate === 0 ? ['from'] : ['from', 'to'];
  for (const key of keys) {
    const n = params[key];
    if (typeof n === 'number' && !facts.nodes.some((x) => x.id === n)) {
      throw new LabApiError(`--param ${key}=${n}: ${facts.target} has no node ${n} (nodes: ${facts.nodes.map((x) => x.id).join(', ')})`, 'bad-request');
    }
  }
  if (!WORKLOADS[req.workload as keyof typeof WORKLOADS].simulated && req.workload !== 'custom') throw new LabApiError(`${req.workload} cannot be run`, 'bad-request');
  checkModelKnobs(req.knobs);
  return params;
}

/**
 * `sim.*` knobs are the model's inputs (they override what the runs calibrate), never written to
 * the host: refused up front if unknown or out of range, like a host knob.
 */
function checkModelKnobs(knobs: Record<string, string>): void {
  const model = Object.entries(knobs).filter(([k]) => isModelKnob(k));
  for (const [k] of model) {
    if (!MODEL_KNOBS.includes(k)) throw new LabApiError(`unknown model knob ${JSON.stringify(k)}; allowed: ${MODEL_KNOBS.join(', ')}`, 'bad-value');
  }
  try {
    normalizeKnobs(Object.fromEntries(model));
  } catch (e) {
    throw new LabApiError(e instanceof Error ? e.message : String(e), 'bad-value');
  }
}

/** The knobs of the request that are the host's (everything but `sim.*`). */
function hostKnobsOf(knobs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(knobs).filter(([k]) => !isModelKnob(k)));
}

/**
 * One experiment: prepare (snapshot + apply knobs), baseline, workload setup and migration with
 * exact /proc/vmstat snapshots at the phase boundaries, cooldown, restore — repeated N times —
 * then the simulator on the same spec and a verdict per counter.
 */
export async function runExperiment(deps: ExperimentDeps, req: ExperimentRequest, opts: { signal?: AbortSignal; onProgress?: (p: ExperimentProgress) => void } = {}): Promise<ExperimentOutcome> {
  const log = deps.log ?? (() => {});
  const facts = await deps.probe(req.target);
  const params = checkRunnable(req, facts);
  const session = await deps.session(req.target);
  // `custom` runs the user's command line (one quoted argument of sh -c, never spliced into a
  // script), measured but not simulated; every other workload is one of the lab's programs.
  const custom = req.workload === 'custom';
  const binary = workloadBinary(req.workload);
  if (!binary && !custom) throw new LabApiError(`${req.workload} has no workload program`, 'bad-request');
  const argv = custom ? ['sh', '-c', String(params.cmd)] : [await deployWorkload(session, binary!, log), ...workloadArgs(req.workload, params)];
  const topology = { nodes: facts.nodes.map((n) => ({ id: n.id, cpus: n.cpus, memMiB: n.memTotalMiB })) };
  const measured: MeasuredRun[] = [];
  const progress = (repetition: number, phase: ExperimentPhase, message: string) => {
    opts.onProgress?.({ repetition, of: req.repeat, phase, message });
    log(`[${repetition}/${req.repeat}] ${phase}: ${message}`);
  };

  let knobValuesForModel: Record<string, string> = {};
  const hostKnobs = hostKnobsOf(req.knobs);
  for (let rep = 1; rep <= req.repeat && !opts.signal?.aborted; rep++) {
    progress(rep, 'prepare', Object.keys(hostKnobs).length ? `setting ${Object.entries(hostKnobs).map(([k, v]) => `${k}=${v}`).join(' ')}` : 'no knob changes');
    let pushed = false;
    let runId: number | null = null;
    const run: MeasuredRun = {
      kernel: facts.kernelRelease,
      workload: req.workload,
      params,
      phases: {},
      deltas: {},
      events: [],
      movePages: null,
      runId: null,
      workloadStartS: null,
      status: 'completed',
      error: null,
      refreshed: true,
      output: '',
    };
    const t0 = Date.now();
    const event = (kind: string, message: string, phase?: string) => {
      run.events.push({ t: (Date.now() - t0) / 1000, kind, message, ...(phase ? { phase } : {}) });
      if (runId !== null) deps.telemetry.mark(session.target, kind === 'phase' ? 'phase' : 'note', message);
    };
    let proc: HostProcess | undefined;
    try {
      if (Object.keys(hostKnobs).length) {
        const r = await deps.knobs.pushSettings(req.target, hostKnobs, 'experiment');
        pushed = true;
        const refused = r.results.filter((x) => !x.ok);
        if (refused.length) throw new Error(`the kernel refused ${refused.map((x) => `${x.id}=${x.requested} (${x.errno}: ${x.error})`).join(', ')}`);
      }
      const knobState = await deps.knobs.list(req.target);
      knobValuesForModel = Object.fromEntries(knobState.knobs.filter((k) => k.present && k.current !== null).map((k) => [k.id, String(k.current)]));

      runId = await deps.telemetry.start({ target: req.target, rateHz: req.rateHz });
      run.runId = runId;
      progress(rep, 'baseline', `sampling ${req.rateHz} Hz for ${req.baselineS} s`);
      event('phase', 'baseline begins', 'baseline');
      await sleep(req.baselineS * 1000, opts.signal);

      const snaps: Array<{ at: string; values: Record<string, number> }> = [];
      // A custom command has no holds: one phase, `run`, from its start to its exit.
      if (custom) snaps.push({ at: 'run', values: (await vmstatSnapshot(session)).values });
      proc = await HostProcess.start(session, argv);
      run.workloadStartS = (Date.now() - t0) / 1000;
      if (custom) event('phase', 'run begins', 'run');
      const split = new LineSplitter();
      let result: Record<string, unknown> | undefined;
      // Poll fast while the workload talks, back off while it is quiet: every poll is a process
      // on the host, and on a small guest those steal CPU time from the workload and so change
      // NUMA-balancing scan timing (task_tick_numa runs on the task's own CPU time).
      let pollMs = 40;
      for (;;) {
        if (opts.signal?.aborted) {
          run.status = 'stopped';
          event('note', 'stopped by the user');
          break;
        }
        const { output, exit } = await proc.poll();
        run.output += output;
        pollMs = output ? 40 : Math.min(1000, Math.round(pollMs * 1.6));
        for (const line of split.push(output)) {
          const l = parseWorkloadLine(line);
          if (l.kind === 'hold') {
            const s = await vmstatSnapshot(session);
            run.refreshed &&= s.refreshed;
            snaps.push({ at: l.phase, values: s.values });
            await proc.signal('USR1');
          } else if (l.kind === 'phase') {
            if (l.edge === 'begin') progress(rep, l.phase === 'setup' ? 'setup' : 'migrate', `${l.phase} begins`);
            event('phase', `${l.phase} ${l.edge === 'begin' ? 'begins' : 'ends'}`, l.phase);
          } else if (l.kind === 'result') {
            result = l.json;
          } else if (l.kind === 'error') {
            event('error', l.message);
          }
        }
        if (exit) {
          if (custom) {
            snaps.push({ at: 'end', values: (await vmstatSnapshot(session)).values });
            event('phase', `run ends (status ${exit.code})`, 'run');
          }
          if (exit.code !== 0) {
            run.status = 'failed';
            run.error = `the workload exited with status ${exit.code}: ${(await proc.stderr()).trim() || run.output.split('\n').filter((x) => x.startsWith('NUMALAB error')).join('; ') || '(no message)'}`;
          }
          break;
        }
        await sleep(pollMs, opts.signal);
      }
      // Phase deltas from consecutive snapshots: setup = [hold setup → next hold), migrate = [hold migrate → hold teardown).
      for (let i = 0; i + 1 < snaps.length; i++) run.phases[snaps[i].at] = vmstatDelta(snaps[i].values, snaps[i + 1].values);
      run.deltas = totalDeltas(run.phases);
      run.result = result;
      const mp = result?.move_pages_status_summary as MovePagesSummary | null | undefined;
      run.movePages = mp ?? null;
      progress(rep, 'cooldown', `sampling ${req.cooldownS} s more`);
      event('phase', 'cooldown begins', 'cooldown');
      await sleep(req.cooldownS * 1000, opts.signal);
    } catch (e) {
      run.status = /closed|lost|channel/.test(String(e)) ? 'host-lost' : 'failed';
      run.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (proc) {
        await proc.stop();
        await proc.cleanup();
      }
      if (runId !== null) {
        await deps.telemetry
          .stop(runId, run.status === 'completed' ? 'completed' : run.status === 'stopped' ? 'stopped-by-user' : run.status === 'host-lost' ? 'host-lost' : 'interrupted', run.error)
          .catch(() => undefined);
      }
      progress(rep, 'restore', pushed ? 'knobs back to their snapshot' : 'nothing to restore');
      if (pushed) await deps.knobs.popSettings(req.target).catch((e) => (run.error ??= `restoring knobs failed: ${e instanceof Error ? e.message : e}`));
    }
    measured.push(run);
    if (run.status === 'failed' || run.status === 'host-lost') break;
  }

  // Model inputs of the run itself (sweep speed, CPU time before and during the window), measured
  // by the workload; a knob the user gave wins.
  const ok = measured.filter((m) => m.status === 'completed');
  const nrCpus = facts.nodes.reduce((n, x) => n + x.cpus.length, 0);
  const calibration = ownCalibration(req, params, ok, nrCpus);
  const spec: SimSpec = { topology, knobs: { ...knobValuesForModel, ...calibration, ...req.knobs }, workload: req.workload, params, kernel: req.kernel ?? facts.kernelRelease };
  let predicted: SimResult | null = null;
  if (!custom) {
    progress(req.repeat, 'simulate', `predicting with the model of ${req.kernel ?? facts.kernelRelease}`);
    // Predicted cumulative series from the workload's start, for the measured-vs-predicted overlay.
    const horizon = (typeof params.secs === 'number' ? params.secs : 0) + 3;
    const sampleTimes = Array.from({ length: 301 }, (_, i) => (horizon * i) / 300);
    predicted = await runSim(spec, { signal: opts.signal, sampleTimes });
  }
  const predictedPerRun = predicted && BALANCING_WORKLOADS.includes(req.workload) ? await predictPerRun(spec, predicted, calibration, req, params, measured, nrCpus, opts.signal) : undefined;
  const phaseNames = [...new Set([...Object.keys(predicted?.phases ?? {}), ...ok.flatMap((m) => Object.keys(m.phases))])];
  // Nothing to judge without a completed repetition: no verdicts rather than vacuous ones.
  // Pages outside the workload's region move too with NUMA balancing on (a few: tolerance), and
  // migrate_pages(2) moves the whole process (its binary's data, stack, page cache: +9 pages on
  // 6.1, +203 on 6.12 for thps=8), which the model does not know: shown, not judged.
  const otherPagesMove = BALANCING_WORKLOADS.includes(req.workload) || Number(spec.knobs?.['numa.balancing'] ?? 0) > 0;
  const infoOnly = req.workload === 'migrate-pages' ? ['pgmigrate_success', 'pgmigrate_fail'] : [];
  // A scan predicted near an edge of the window is in or out by tens of ms of CPU time: judge
  // those counters against the predictions with that time shifted either way.
  const boundaries = ok.length && predicted && BALANCING_WORKLOADS.includes(req.workload) ? await scanBoundaryRanges(spec, predicted, opts.signal) : undefined;
  const verdictsByPhase = ok.length && predicted
    ? Object.fromEntries(phaseNames.map((p) => [p, verdicts(ok.map((m) => m.phases[p] ?? {}), predicted!.phases[p] ?? {}, { otherPagesMove, infoOnly, boundary: boundaries?.phases[p] })]))
    : {};
  const all = ok.length && predicted ? verdicts(ok.map((m) => m.deltas), predicted.deltas, { otherPagesMove, infoOnly, boundary: boundaries?.total }) : [];
  progress(req.repeat, 'done', !ok.length ? 'no repetition completed' : !predicted ? 'measured (a custom command is not simulated)' : anyDiverged(all) ? 'some counters diverged' : 'every compared counter agrees');
  return {
    spec: { target: session.target, workload: req.workload, params, knobs: { ...req.knobs, ...calibration }, kernel: spec.kernel, topology },
    measured,
    predicted,
    verdicts: all,
    verdictsByPhase,
    diverged: ok.length > 0 && anyDiverged(all),
    ...(predictedPerRun ? { predictedPerRun } : {}),
  };
}

/** Calibration knobs from these runs' own measurements; a knob the user gave is not overridden. */
function ownCalibration(req: ExperimentRequest, params: WorkloadParams, runs: MeasuredRun[], nrCpus: number): Record<string, string> {
  return Object.fromEntries(Object.entries(calibrationKnobs(req.workload, params, runs.map((m) => m.result), nrCpus)).filter(([k]) => !(k in req.knobs)));
}

/**
 * The model again for each completed repetition, calibrated by that repetition alone. A repetition
 * whose knobs are those of the whole experiment (a single one) reuses its prediction.
 */
async function predictPerRun(
  spec: SimSpec,
  predicted: SimResult,
  calibration: Record<string, string>,
  req: ExperimentRequest,
  params: WorkloadParams,
  measured: MeasuredRun[],
  nrCpus: number,
  signal?: AbortSignal,
): Promise<PredictedRun[]> {
  const same = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  const out: PredictedRun[] = [];
  for (const [i, m] of measured.entries()) {
    if (m.status !== 'completed') continue;
    const knobs = ownCalibration(req, params, [m], nrCpus);
    const r = same(knobs, calibration) ? predicted : await runSim({ ...spec, knobs: { ...spec.knobs, ...knobs } }, { signal });
    out.push({ repetition: i + 1, knobs, phases: r.phases, deltas: r.deltas });
  }
  return out;
}
