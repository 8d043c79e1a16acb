import { HostFactsSchema, type HostFacts } from '../../shared/hostFacts';
import type { HostSummary } from '../../shared/api/labApi';
import type { Db } from './store';

/** The hosts the lab has seen, with their last probed facts. */
export class HostsRepo {
  constructor(private readonly db: Db) {}

  touch(target: string, facts?: HostFacts): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO hosts (target, first_seen, last_seen, facts_json) VALUES (?, ?, ?, ?)
         ON CONFLICT(target) DO UPDATE SET last_seen = excluded.last_seen,
           facts_json = COALESCE(excluded.facts_json, hosts.facts_json)`,
      )
      .run(target, now, now, facts ? JSON.stringify(facts) : null);
  }

  list(): HostSummary[] {
    const rows = this.db.prepare('SELECT target, first_seen, last_seen, facts_json FROM hosts ORDER BY last_seen DESC').all() as Array<{
      target: string;
      first_seen: string;
      last_seen: string;
      facts_json: string | null;
    }>;
    return rows.map((r) => {
      const facts = r.facts_json ? HostFactsSchema.safeParse(JSON.parse(r.facts_json)) : undefined;
      return { target: r.target, firstSeen: r.first_seen, lastSeen: r.last_seen, facts: facts?.success ? facts.data : null };
    });
  }
}
