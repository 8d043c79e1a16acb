import type { LabEventPayload } from '../../shared/api/labApi';
import { LabApiError } from '../../shared/api/labApi';
import { compareGroups } from '../../shared/experiments/compareRuns';
import { ExperimentsRepo, type ExperimentRow } from './experimentsRepo';
import { prepareExperiment, runExperiment, type ExperimentDeps, type PreparedExperiment, type ExperimentOutcome, type ExperimentProgress, type ExperimentRequest } from './runExperiment';
import type { LabErrorCode } from '../../shared/api/errorCodes';
import type { Db } from '../store/store';

type Emit = {
  (e: 'experiments.progress', p: LabEventPayload<'experiments.progress'>): void;
  (e: 'experiments.forecast', p: LabEventPayload<'experiments.forecast'>): void;
  (e: 'experiments.changed', p: LabEventPayload<'experiments.changed'>): void;
};

/** Experiments the lab runs: at most one per host at a time, each stoppable, each persisted. */
export class ExperimentService {
  readonly repo: ExperimentsRepo;
  private readonly running = new Map<number, { target: string; abort: AbortController; done: Promise<ExperimentRow> }>();
  /** Targets whose request is being checked (not yet stored): a second start on them is busy too. */
  private readonly preparing = new Set<string>();
  readonly recovered: number[];

  constructor(
    db: Db,
    readonly deps: ExperimentDeps,
    private readonly emit: Emit,
    private readonly owner: string,
    isOwnerAlive: (owner: string) => boolean,
  ) {
    this.repo = new ExperimentsRepo(db);
    this.recovered = this.repo.recoverInterrupted((o) => o === owner || isOwnerAlive(o));
  }

  /** Starts in the background; progress and the end come as events. */
  async start(req: ExperimentRequest, onProgress?: (p: ExperimentProgress) => void): Promise<{ experimentId: number; done: Promise<ExperimentRow> }> {
    const busy = () => {
      if (this.preparing.has(req.target) || [...this.running.values()].some((r) => r.target === req.target))
        throw new LabApiError(`an experiment is already running on ${req.target}; stop it first`, 'busy');
    };
    busy();
    // Refused before anything runs (a migration on a one-node host, a bad parameter or knob
    // value, an unknown model): the error goes back to the caller and no experiment is stored,
    // so the lists and the compare picker hold only experiments that ran.
    this.preparing.add(req.target);
    let prepared: PreparedExperiment;
    try {
      prepared = await prepareExperiment(this.deps, req);
    } finally {
      this.preparing.delete(req.target);
    }
    busy();
    const id = this.repo.create(req, this.owner);
    const abort = new AbortController();
    const done = (async () => {
      let outcome: ExperimentOutcome | null = null;
      let error: { message: string; code: LabErrorCode } | null = null;
      try {
        outcome = await runExperiment(
          this.deps,
          req,
          {
            signal: abort.signal,
            onProgress: (p) => {
              onProgress?.(p);
              this.emit('experiments.progress', { experimentId: id, ...p });
            },
            onForecast: (forecast) => this.emit('experiments.forecast', { experimentId: id, forecast }),
          },
          prepared,
        );
      } catch (e) {
        error = { message: e instanceof Error ? e.message : String(e), code: e instanceof LabApiError ? e.code : 'failed' };
      }
      // A kernel crash is the run's outcome (compared with the prediction), not a failure.
      const failed = outcome?.measured.find((m) => m.status === 'failed' || m.status === 'host-lost');
      const status = abort.signal.aborted ? 'stopped' : error || failed ? 'failed' : 'completed';
      this.repo.finish(id, status, outcome, error ?? (failed?.error ? { message: failed.error, code: 'failed' } : null));
      this.running.delete(id);
      this.emit('experiments.changed', { experimentId: id, status });
      return this.repo.get(id)!;
    })();
    this.running.set(id, { target: req.target, abort, done });
    this.emit('experiments.changed', { experimentId: id, status: 'running' });
    return { experimentId: id, done };
  }

  stop(id: number): boolean {
    const r = this.running.get(id);
    r?.abort.abort();
    return r !== undefined;
  }

  compare(a: number, b: number) {
    const ra = this.mustGet(a);
    const rb = this.mustGet(b);
    const group = (r: ExperimentRow) => ({
      label: `#${r.id}`,
      runs: (r.outcome?.measured ?? []).filter((m) => m.status === 'completed').map((m) => ({ phases: m.phases })),
    });
    return { a: ra, b: rb, rows: compareGroups(group(ra), group(rb)) };
  }

  mustGet(id: number): ExperimentRow {
    const r = this.repo.get(id);
    if (!r) throw new LabApiError(`no experiment ${id}; list them with: numa-lab runs list`, 'not-found');
    return r;
  }

  /** The experiments running now, by target (what closing the lab will stop). */
  runningTargets(): string[] {
    return [...this.running.values()].map((r) => r.target);
  }

  async close(): Promise<void> {
    for (const r of this.running.values()) r.abort.abort();
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
  }
}

export function summarizeExperiment(r: ExperimentRow) {
  return {
    id: r.id,
    createdAt: r.createdAt,
    endedAt: r.endedAt,
    target: r.target,
    workload: r.workload,
    status: r.status,
    error: r.error,
    kernel: r.kernel,
    model: r.model,
    diverged: r.diverged,
    verdict: r.verdict,
    errorCode: r.errorCode,
    params: r.request.params,
    knobs: r.request.knobs,
    repeat: r.request.repeat,
    rateHz: r.request.rateHz,
    ...(r.request.variant && Object.keys(r.request.variant.behaviours).length ? { behaviours: { ...r.request.variant.behaviours } as Record<string, string> } : {}),
  };
}
