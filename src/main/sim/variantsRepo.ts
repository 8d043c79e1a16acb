import { VariantDefinitionSchema, type VariantDefinition } from '../../shared/sim/behaviours';
import type { Db } from '../store/store';

/** Variants the user saved by name (a base preset and switches): the Simulator's and Experiments' "patch under test". */
export class VariantsRepo {
  constructor(private readonly db: Db) {}

  list(): VariantDefinition[] {
    const rows = this.db.prepare('SELECT definition_json FROM model_variants ORDER BY name').all() as Array<{ definition_json: string }>;
    // A row a newer lab wrote with switches this one does not know is left out, not an error.
    return rows.flatMap((r) => {
      const v = VariantDefinitionSchema.safeParse(JSON.parse(r.definition_json));
      return v.success ? [v.data] : [];
    });
  }

  save(v: VariantDefinition): VariantDefinition {
    this.db
      .prepare('INSERT INTO model_variants (name, saved_at, definition_json) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET saved_at = excluded.saved_at, definition_json = excluded.definition_json')
      .run(v.name, new Date().toISOString(), JSON.stringify(v));
    return v;
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM model_variants WHERE name = ?').run(name).changes > 0;
  }
}
