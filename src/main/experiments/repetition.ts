import type { MovePagesSummary } from '../../shared/experiment';
import { totalDeltas } from '../../shared/experiment';
import type { ExperimentPhase, MeasuredRun } from '../../shared/experiments/api';
import { vmstatDelta } from '../../shared/experiments/vmstat';
import type { HostSession } from '../hosts/hostSession';
import type { KnobService } from '../knobs/knobService';
import type { TelemetryService } from '../telemetry/service';
import { HostProcess } from './hostProcess';
import { vmstatSnapshot } from './snapshot';
import { LineSplitter, parseWorkloadLine } from './workloadLines';
import type { ExperimentPlan } from './plan';
import { parseOops } from '../../shared/experiments/oops';
import { callsByPhase, madeBy } from '../trace/callsByPhase';
import { phaseMarkerText } from '../../shared/trace/migrateCalls';

/** A kernel crash the host's console reported (serial hosts: the virtual NUMA box). */
export interface HostCrash {
  kind: string;
  message: string;
  text: string;
  /** When the lab saw it. */
  at?: Date;
}

export interface RepetitionDeps {
  session: HostSession;
  knobs: KnobService;
  telemetry: TelemetryService;
  /** The crash the host reported, waiting a moment for a console report that follows a lost channel. */
  crashOf?: (target: string) => Promise<HostCrash | undefined>;
}

export interface RepetitionResult {
  run: MeasuredRun;
  /** The host's knob values while the workload ran (after the experiment's were set). */
  knobValues: Record<string, string>;
}

/** Waits, or less when the run is stopped; leaves no listener behind on the signal. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * One repetition on the host: set the knobs (journaled), sample, baseline, run the workload with
 * an exact /proc/vmstat snapshot at every phase boundary it holds at, cooldown, and put the knobs
 * back whatever happened. A kernel crash during it is its outcome (status `crashed`), not an error.
 */
export async function runRepetition(
  deps: RepetitionDeps,
  plan: ExperimentPlan,
  argv: string[],
  rep: number,
  opts: { signal?: AbortSignal; progress: (phase: ExperimentPhase, message: string) => void },
): Promise<RepetitionResult> {
  const { session } = deps;
  const { req, hostKnobs } = plan;
  const custom = plan.workload.name === 'custom';
  const progress = opts.progress;
  const knobList = Object.entries(hostKnobs).map(([k, v]) => `${k}=${v}`).join(' ');
  progress('prepare', knobList ? `setting ${knobList}` : 'no knob changes');
  let pushed = false;
  let runId: number | null = null;
  let knobValues: Record<string, string> = {};
  const run: MeasuredRun = {
    kernel: plan.facts.kernelRelease,
    workload: req.workload,
    params: plan.params,
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
  // Outside the try: a crash keeps every phase delta measured before it.
  const snaps: Array<{ at: string; values: Record<string, number> }> = [];
  try {
    if (Object.keys(hostKnobs).length) {
      const r = await deps.knobs.pushSettings(req.target, hostKnobs, 'experiment');
      pushed = true;
      const refused = r.results.filter((x) => !x.ok);
      if (refused.length) throw new Error(`the kernel refused ${refused.map((x) => `${x.id}=${x.requested} (${x.errno}: ${x.error})`).join(', ')}`);
    }
    const knobState = await deps.knobs.list(req.target);
    knobValues = Object.fromEntries(knobState.knobs.filter((k) => k.present && k.current !== null).map((k) => [k.id, String(k.current)]));

    // The kernel's migrate_pages() trace beside the counters, collected when the run ends (no extra commands while the workload runs).
    runId = await deps.telemetry.start({ target: req.target, rateHz: req.rateHz, trace: req.trace !== false, traceLive: false });
    run.runId = runId;
    if (req.trace !== false) {
      const t = await deps.telemetry.traceReady(runId);
      if (t.missing) event('note', `no kernel trace: ${t.missing}`);
    }
    const mark = (at: string) => deps.telemetry.traceMark(runId!, phaseMarkerText(at));
    progress('baseline', `sampling ${req.rateHz} Hz for ${req.baselineS} s`);
    event('phase', 'baseline begins', 'baseline');
    await sleep(req.baselineS * 1000, opts.signal);

    // A custom command has no holds: one phase, `run`, from its start to its exit.
    if (custom) {
      snaps.push({ at: 'run', values: (await vmstatSnapshot(session)).values });
      await mark('run');
    }
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
          // In the trace stream while the workload holds: the calls before it are the last phase's, those after it this one's.
          await mark(l.phase);
          await proc.signal('USR1');
        } else if (l.kind === 'phase') {
          if (l.edge === 'begin') progress(l.phase === 'setup' ? 'setup' : 'migrate', `${l.phase} begins`);
          event('phase', `${l.phase} ${l.edge === 'begin' ? 'begins' : 'ends'}`, l.phase);
        } else if (l.kind === 'result') {
          result = l.json;
        } else if (l.kind === 'error') {
          event('error', l.message);
        }
      }
      if (exit) {
        run.exitCode = exit.code;
        run.stderr = await proc.stderr();
        if (custom) {
          snaps.push({ at: 'end', values: (await vmstatSnapshot(session)).values });
          await mark('end');
          event('phase', `run ends (status ${exit.code})`, 'run');
        }
        if (exit.code !== 0) {
          run.status = 'failed';
          run.error = `the workload exited with status ${exit.code}: ${run.stderr.trim() || run.output.split('\n').filter((x) => x.startsWith('NUMALAB error')).join('; ') || '(no message)'}`;
        }
        break;
      }
      await sleep(pollMs, opts.signal);
    }
    // Phase deltas from consecutive snapshots: setup = [hold setup → next hold), migrate = [hold migrate → hold teardown).
    for (let i = 0; i + 1 < snaps.length; i++) run.phases[snaps[i]!.at] = vmstatDelta(snaps[i]!.values, snaps[i + 1]!.values);
    run.deltas = totalDeltas(run.phases);
    run.result = result;
    run.movePages = (result?.move_pages_status_summary as MovePagesSummary | null | undefined) ?? null;
    progress('cooldown', `sampling ${req.cooldownS} s more`);
    event('phase', 'cooldown begins', 'cooldown');
    await sleep(req.cooldownS * 1000, opts.signal);
  } catch (e) {
    run.error = e instanceof Error ? e.message : String(e);
    const crash = /closed|lost|channel|crash/.test(run.error) ? await deps.crashOf?.(req.target) : undefined;
    if (crash) {
      run.status = 'crashed';
      // The phase it came in, and how long into it (the lab sees a console line within milliseconds).
      const phaseBegan = [...run.events].reverse().find((e) => e.kind === 'phase' && e.message.endsWith('begins'));
      const at = crash.at ?? new Date();
      const oops = parseOops(crash.text);
      run.crash = {
        kind: crash.kind,
        message: crash.message,
        text: crash.text,
        at: at.toISOString(),
        ...(oops ?? {}),
        ...(phaseBegan?.phase ? { phase: phaseBegan.phase, sincePhaseS: Math.round(((at.getTime() - t0) / 1000 - phaseBegan.t) * 1000) / 1000 } : {}),
      };
      // What was measured before the crash stays: the phases that ended (the one it came in has no end snapshot).
      for (let i = 0; i + 1 < snaps.length; i++) run.phases[snaps[i]!.at] ??= vmstatDelta(snaps[i]!.values, snaps[i + 1]!.values);
      run.deltas = totalDeltas(run.phases);
      run.error = `the kernel crashed: ${oops?.headline ?? crash.message}${oops?.ripFunction ? ` in ${oops.ripFunction}` : ''}${run.crash.phase ? ` (${run.crash.sincePhaseS} s into ${run.crash.phase})` : ''}`;
      event('crash', oops?.headline ?? crash.message);
    } else {
      run.status = /closed|lost|channel/.test(run.error) ? 'host-lost' : 'failed';
    }
  } finally {
    if (proc) {
      await proc.stop().catch(() => undefined);
      await proc.cleanup().catch(() => undefined);
    }
    if (runId !== null) {
      const end = { completed: 'completed', stopped: 'stopped-by-user', 'host-lost': 'host-lost', crashed: 'crashed', failed: 'interrupted' } as const;
      await deps.telemetry.stop(runId, end[run.status], run.error).catch(() => undefined);
      readTrace(deps.telemetry, runId, run, plan, proc?.pid);
    }
    progress('restore', pushed ? 'knobs back to their snapshot' : 'nothing to restore');
    if (pushed) await deps.knobs.popSettings(req.target).catch((e) => (run.error ??= `restoring knobs failed: ${e instanceof Error ? e.message : e}`));
  }
  return { run, knobValues };
}

/**
 * The run's trace into its result: the calls per measured phase. A NUMA-balancing workload's
 * calls are every task's (as the counters are machine-wide), and so are a custom command's (it
 * may start any process tree, and is measured, not predicted); the others', the workload
 * process's own (kcompactd or another process's migrations are not the workload's).
 */
function readTrace(telemetry: TelemetryService, runId: number, run: MeasuredRun, plan: ExperimentPlan, pid: number | undefined): void {
  const summary = telemetry.traceOf(runId);
  if (!summary) return;
  if (summary.status !== 'captured') {
    run.trace = summary;
    return;
  }
  const everyTask = plan.workload.mechanism === 'numa-balancing' || plan.workload.name === 'custom' || pid === undefined;
  const split = callsByPhase(telemetry.traces.rows(runId), Object.keys(run.phases), everyTask ? () => true : madeBy(pid));
  run.migrateCalls = split.byPhase;
  const cut = split.dropped ? `${split.dropped} calls beyond the first ${split.kept} of a phase are kept in the run's trace only` : null;
  run.trace = { ...summary, kept: split.kept, reason: [summary.reason, cut].filter(Boolean).join('; ') || null };
}
