import { CHART_CHOICE_PATTERN, DEFAULT_CHARTS, type ChartChoice } from '../../shared/telemetry/charts';
import type { ChartChoiceResult } from '../../shared/telemetry/api';
import type { Db } from './store';

/** The Telemetry view's chart choice per host (migration 8); a host without a row gets the defaults. */
export class ChartChoiceRepo {
  constructor(private readonly db: Db) {}

  get(target: string): ChartChoiceResult {
    const r = this.db.prepare('SELECT charts_json FROM telemetry_charts WHERE target = ?').get(target) as { charts_json: string } | undefined;
    if (!r) return { target, charts: [...DEFAULT_CHARTS], isDefault: true };
    let charts: unknown;
    try {
      charts = JSON.parse(r.charts_json);
    } catch {
      charts = undefined;
    }
    // A row another build wrote with entries this one does not know: keep what it can read.
    const ok = Array.isArray(charts) ? charts.filter((c): c is string => typeof c === 'string' && CHART_CHOICE_PATTERN.test(c)) : [...DEFAULT_CHARTS];
    return { target, charts: ok, isDefault: false };
  }

  set(target: string, charts: readonly ChartChoice[]): ChartChoiceResult {
    const unique = [...new Set(charts)];
    this.db
      .prepare(
        `INSERT INTO telemetry_charts (target, saved_at, charts_json) VALUES (?, ?, ?)
         ON CONFLICT(target) DO UPDATE SET saved_at = excluded.saved_at, charts_json = excluded.charts_json`,
      )
      .run(target, new Date().toISOString(), JSON.stringify(unique));
    return { target, charts: unique, isDefault: false };
  }
}
