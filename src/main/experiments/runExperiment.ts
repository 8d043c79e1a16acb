import type { HostFacts } from '../../shared/hostFacts';
import type { ExperimentOutcome, ExperimentProgress, ExperimentRequest, Forecast, MeasuredRun } from '../../shared/experiments/api';
import { LabApiError } from '../../shared/api/labApi';
import { traceIncomplete } from '../../shared/trace/migrateCalls';
import { validateKnobRequest } from '../../shared/knobs/state';
import type { HostSession } from '../hosts/hostSession';
import type { KnobService } from '../knobs/knobService';
import type { TelemetryService } from '../telemetry/service';
import { deployWorkload } from './deployWorkload';
import { workloadArgs, workloadBinary } from './workloadCommand';
import { planExperiment, type ExperimentPlan } from './plan';
import { forecastExperiment } from './forecast';
import { runRepetition, type HostCrash } from './repetition';
import { replayExperiment, type ExperimentReplay } from './replay';
import { judgeOutcome } from './judgeOutcome';
import { describeVariant } from '../../sim/variants';
import type { VariantOverrides } from '../../shared/sim/behaviours';

export { checkRunnable } from './plan';
export type { ExperimentOutcome, ExperimentProgress, ExperimentRequest, MeasuredRun } from '../../shared/experiments/api';

export interface ExperimentDeps {
  session: (target: string) => Promise<HostSession>;
  probe: (target: string) => Promise<HostFacts>;
  knobs: KnobService;
  telemetry: TelemetryService;
  /** The kernel crash a host's console reported, if any (waits a moment after a lost channel). */
  crashOf?: (target: string) => Promise<HostCrash | undefined>;
  /** The model a host declares (a box booted with --variant, or a kernel build that declared one), used when the request names none. */
  modelOf?: (target: string) => DeclaredModel | undefined;
  /** Boots a crashed host again and opens a session to it (undefined: it cannot be; the experiment stops at the crash). */
  restartHost?: (target: string) => Promise<HostSession | undefined>;
  log?: (line: string) => void;
}

/** The model a host was declared to follow (a box booted with a build's or the user's variant). */
export interface DeclaredModel {
  name: string;
  kernel: string;
  variant?: VariantOverrides;
  why: string;
}

export interface ExperimentRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: ExperimentProgress) => void;
  /** The forecast, as soon as it is known: before the workload starts. */
  onForecast?: (f: Forecast) => void;
}

/** What an experiment starts from once it is known to be runnable: checked before it is stored. */
export interface PreparedExperiment {
  /** The request with the host's declared model filled in where it named none. */
  req: ExperimentRequest;
  session: HostSession;
  /** The host's knob values before anything was written. */
  before: Record<string, string>;
  plan: ExperimentPlan;
}

/**
 * Everything that can refuse a request before anything runs: the host is reached and probed,
 * the workload and its parameters are checked against its nodes (a migration on a one-node host),
 * the model is resolved, and every knob value is validated against the host's knobs (nothing is
 * written). The experiment service calls it before it stores a row, so a refused request leaves
 * no failed experiment behind; it throws the LabApiError that names what was wrong.
 */
export async function prepareExperiment(deps: ExperimentDeps, asked: ExperimentRequest): Promise<PreparedExperiment> {
  const declared = asked.kernel || asked.variant ? undefined : deps.modelOf?.(asked.target);
  const req: ExperimentRequest = declared ? { ...asked, kernel: declared.kernel, ...(declared.variant ? { variant: declared.variant } : {}) } : asked;
  const facts = await deps.probe(req.target);
  const session = await deps.session(req.target);
  const knobState = await deps.knobs.list(req.target);
  const before = knobValues(knobState);
  const plan = planExperiment(req, facts, before);
  if (declared) plan.warnings.unshift(`model ${declared.name}: ${declared.why} (run --kernel or --variant names another)`);
  if (Object.keys(plan.hostKnobs).length) {
    const v = validateKnobRequest(knobState.knobs, plan.hostKnobs);
    if (!v.ok) throw new LabApiError(v.errors.join('\n'), 'bad-value');
  }
  return { req, session, before, plan };
}

/**
 * One experiment, top to bottom: plan (refuse what cannot run, decide the knobs) → forecast (the
 * model on the spec alone) → repeat (N repetitions on the host, knobs set and restored each
 * time) → replay (the model given what the runs measured) → judge (each repetition against its
 * replay, and against the forecast).
 */
export async function runExperiment(deps: ExperimentDeps, asked: ExperimentRequest, opts: ExperimentRunOptions = {}, prepared?: PreparedExperiment): Promise<ExperimentOutcome> {
  const ready = prepared ?? (await prepareExperiment(deps, asked));
  const { req, plan, before } = ready;
  let session = ready.session;
  const log = deps.log ?? (() => {});
  const progress = (repetition: number, phase: ExperimentProgress['phase'], message: string) => {
    opts.onProgress?.({ repetition, of: req.repeat, phase, message });
    log(`[${repetition}/${req.repeat}] ${phase}: ${message}`);
  };

  for (const w of plan.warnings) progress(1, 'prepare', `warning: ${w}`);
  let argv = await workloadArgv(plan, session, log);

  let forecast: Forecast | null = null;
  if (plan.workload.simulated) {
    progress(1, 'forecast', `forecasting with the model ${plan.model?.name ?? plan.modelSpec.kernel}, before the run`);
    forecast = await forecastExperiment(plan, before, opts.signal);
    opts.onForecast?.(forecast);
  }

  const measured: MeasuredRun[] = [];
  let during: Record<string, string> = before;
  for (let rep = 1; rep <= req.repeat && !opts.signal?.aborted; rep++) {
    const r = await runRepetition({ session, knobs: deps.knobs, telemetry: deps.telemetry, crashOf: deps.crashOf }, plan, argv, rep, { signal: opts.signal, progress: (phase, message) => progress(rep, phase, message) });
    measured.push(r.run);
    if (Object.keys(r.knobValues).length) during = r.knobValues;
    // A crash is a result; with repetitions left, a host that can be rebooted is, and the next one runs on the fresh kernel.
    if (r.run.status === 'crashed' && rep < req.repeat && deps.restartHost && !opts.signal?.aborted) {
      progress(rep, 'prepare', `the kernel crashed (${r.run.crash?.headline ?? r.run.crash?.message}); rebooting ${req.target} for repetition ${rep + 1}`);
      const fresh = await deps.restartHost(req.target);
      if (fresh) {
        session = fresh;
        argv = await workloadArgv(plan, session, log);
        continue;
      }
    }
    if (r.run.status === 'failed' || r.run.status === 'host-lost' || r.run.status === 'crashed') break;
  }

  // khugepaged is not in the model: a collapse in the window changes what the collapsed THP's pages count as.
  const collapsed = measured.filter((m) => (m.deltas.thp_collapse_alloc ?? 0) > 0).length;
  if (collapsed && plan.workload.simulated)
    plan.warnings.push(`khugepaged collapsed THPs during ${collapsed} of ${measured.length} repetition${measured.length === 1 ? '' : 's'} (thp_collapse_alloc > 0): the model has no khugepaged, so the collapsed THPs' pages are counted as if they had stayed as they were`);
  const completed = measured.map((run, i) => ({ repetition: i + 1, run })).filter((c) => c.run.status === 'completed');
  for (const c of completed) {
    const incomplete = c.run.trace ? traceIncomplete(c.run.trace) : null;
    if (c.run.trace?.status === 'missing') plan.warnings.push(`repetition ${c.repetition} has no kernel trace (${c.run.trace.reason}): its migrate_pages() calls are not compared`);
    else if (incomplete) plan.warnings.push(`repetition ${c.repetition}: ${incomplete}, so its call list is incomplete and its migrate_pages() calls are not compared`);
  }
  let replay: ExperimentReplay | null = null;
  if (plan.workload.simulated && completed.length) {
    progress(req.repeat, 'simulate', `replaying ${completed.length} repetition${completed.length === 1 ? '' : 's'} with the model ${plan.model?.name ?? plan.modelSpec.kernel}`);
    replay = await replayExperiment(plan, during, completed, opts.signal);
  }

  const judged = judgeOutcome(plan, measured, forecast, replay);
  progress(req.repeat, 'done', `${judged.judgement?.verdict}: ${judged.judgement?.reason}`);
  return {
    spec: { target: session.target, workload: req.workload, params: plan.params, knobs: replay?.knobs ?? { ...req.knobs, ...plan.hostKnobs }, ...plan.modelSpec, topology: plan.topology },
    ...(plan.model ? { model: describeVariant(plan.model) } : {}),
    measured,
    predicted: replay?.predicted ?? null,
    verdicts: judged.verdicts,
    verdictsByPhase: judged.verdictsByPhase,
    diverged: judged.diverged,
    ...(replay?.predictedPerRun ? { predictedPerRun: replay.predictedPerRun } : {}),
    forecast: judged.forecast,
    replays: replay?.replays ?? [],
    judgement: judged.judgement,
    warnings: plan.warnings,
  };
}

/** `custom` runs the user's command line as one quoted argument of sh -c, never spliced into a script; the rest are the lab's programs. */
async function workloadArgv(plan: ExperimentPlan, session: HostSession, log: (line: string) => void): Promise<string[]> {
  if (plan.workload.name === 'custom') return ['sh', '-c', String(plan.params.cmd)];
  const binary = workloadBinary(plan.workload.name);
  if (!binary) throw new LabApiError(`${plan.workload.name} has no workload program`, 'bad-request');
  return [await deployWorkload(session, binary, log), ...workloadArgs(plan.workload.name, plan.params)];
}

function knobValues(state: { knobs: Array<{ id: string; present: boolean; current: string | number | null }> }): Record<string, string> {
  return Object.fromEntries(state.knobs.filter((k) => k.present && k.current !== null).map((k) => [k.id, String(k.current)]));
}
