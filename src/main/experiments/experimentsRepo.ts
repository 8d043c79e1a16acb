import type { Db } from '../store/store';
import type { ExperimentOutcome, ExperimentRequest, ExperimentVerdict } from '../../shared/experiments/api';
import { ExperimentStatusSchema, ExperimentVerdictSchema } from '../../shared/experiments/api';
import type { z } from 'zod';
import { labErrorCode, type LabErrorCode } from '../../shared/api/errorCodes';

export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

export interface ExperimentRow {
  id: number;
  createdAt: string;
  endedAt: string | null;
  target: string;
  workload: string;
  request: ExperimentRequest;
  status: ExperimentStatus;
  error: string | null;
  errorCode: LabErrorCode | null;
  kernel: string | null;
  model: string | null;
  diverged: boolean | null;
  verdict: ExperimentVerdict | null;
  outcome: ExperimentOutcome | null;
}

/** Experiments: a row is written when a run starts, so a lab that dies leaves a trace to mark. */
export class ExperimentsRepo {
  constructor(private readonly db: Db) {}

  create(req: ExperimentRequest, owner: string): number {
    return Number(
      this.db
        .prepare("INSERT INTO experiments (created_at, owner, target, workload, request_json, status) VALUES (?, ?, ?, ?, ?, 'running')")
        .run(new Date().toISOString(), owner, req.target, req.workload, JSON.stringify(req)).lastInsertRowid,
    );
  }

  finish(id: number, status: ExperimentStatus, outcome: ExperimentOutcome | null, error: { message: string; code: LabErrorCode } | null): void {
    this.db
      .prepare('UPDATE experiments SET ended_at = ?, status = ?, error = ?, error_code = ?, kernel = ?, model = ?, diverged = ?, verdict = ?, outcome_json = ? WHERE id = ?')
      .run(
        new Date().toISOString(),
        status,
        error?.message ?? null,
        error?.code ?? null,
        outcome?.measured[0]?.kernel ?? null,
        outcome?.predicted?.variant.name ?? outcome?.forecast?.kernel ?? null,
        outcome ? (outcome.diverged ? 1 : 0) : null,
        outcome?.judgement?.verdict ?? null,
        outcome ? JSON.stringify(outcome) : null,
        id,
      );
  }

  /** Rows left 'running' by a lab that is gone become 'interrupted', with why. */
  recoverInterrupted(isMine: (owner: string) => boolean): number[] {
    const rows = this.db.prepare("SELECT id, owner FROM experiments WHERE status = 'running'").all() as Array<{ id: number; owner: string }>;
    const gone = rows.filter((r) => !isMine(r.owner));
    const mark = this.db.prepare("UPDATE experiments SET status = 'interrupted', ended_at = ?, error = 'the lab stopped while the experiment ran' WHERE id = ?");
    for (const r of gone) mark.run(new Date().toISOString(), r.id);
    return gone.map((r) => r.id);
  }

  get(id: number): ExperimentRow | undefined {
    const r = this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? this.row(r) : undefined;
  }

  list(limit = 200): ExperimentRow[] {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>).map((r) => this.row(r));
  }

  private row(r: Record<string, unknown>): ExperimentRow {
    return {
      id: r.id as number,
      createdAt: r.created_at as string,
      endedAt: (r.ended_at as string | null) ?? null,
      target: r.target as string,
      workload: r.workload as string,
      request: JSON.parse(r.request_json as string),
      status: r.status as ExperimentStatus,
      error: (r.error as string | null) ?? null,
      errorCode: r.error_code ? labErrorCode(r.error_code as string) : null,
      kernel: (r.kernel as string | null) ?? null,
      model: (r.model as string | null) ?? null,
      diverged: r.diverged === null || r.diverged === undefined ? null : r.diverged === 1,
      verdict: ExperimentVerdictSchema.safeParse(r.verdict).data ?? null,
      outcome: r.outcome_json ? JSON.parse(r.outcome_json as string) : null,
    };
  }
}
