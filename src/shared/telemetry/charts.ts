import { CHARTED_FAMILIES, COUNTER_FAMILIES, describeCounter, type CounterFamily, type CounterInfo, type CounterKind, type CounterUnit } from './catalog';

/**
 * Which charts the Telemetry view draws, and the rule that puts counters on an axis: ONE unit
 * per axis, and levels (gauges) never on the axis of events (counters). A chart is the pair
 * (unit, kind); its title says both.
 *
 * A host's chart choice is a list of entries:
 *   `family:<family>`            every counter of a family that moved (numa, migration, thp, …),
 *                                split into one chart per unit and kind;
 *   `<counter name>`             one counter, always charted (a flat 0 is an honest answer);
 *   `numastat.node*.<key>`,      one per-node key, every node in one chart (node 0, node 1 …).
 *   `meminfo.node*.<key>`
 */

export type ChartChoice = string;
export const CHART_CHOICE_PATTERN = /^(family:[a-z]+|[A-Za-z0-9_.-]{1,200}|(numastat|meminfo)\.node\*\.[A-Za-z0-9_]{1,100})$/;
/** What a migration experiment needs: the families the lab always charted. */
export const DEFAULT_CHARTS: readonly ChartChoice[] = CHARTED_FAMILIES.map((f) => `family:${f}`);

export const FAMILY_TITLES: Record<CounterFamily, string> = {
  numa: 'NUMA',
  migration: 'Migration',
  thp: 'THP',
  compaction: 'Compaction',
  mthp: 'mTHP',
  node: 'Per node',
  memory: 'Memory',
  reclaim: 'Reclaim',
  other: 'Other',
};

export interface ChartGroup {
  /** Stable id, also the chart's test id suffix: `numa-allocations`, `thp-thps-level`, `pick-thp_split_pmd`. */
  key: string;
  /** The choice that made it. */
  choice: ChartChoice;
  title: string;
  family: CounterFamily;
  unit: CounterUnit;
  kind: CounterKind;
  names: string[];
  /** Legend label per name (`node 0` for per-node series). */
  labels: Record<string, string>;
  /** A picked counter (always drawn) rather than a family's moved counters. */
  picked: boolean;
}

const PER_NODE = /^(numastat|meminfo)\.node(\d+)\.(\w+)$/;

/** `numastat.node1.numa_hit` → `numastat.node*.numa_hit` (undefined for other names). */
export function perNodeKey(name: string): string | undefined {
  const m = PER_NODE.exec(name);
  return m ? `${m[1]}.node*.${m[3]}` : undefined;
}

/** The node of a per-node name, or undefined. */
export function nodeOf(name: string): number | undefined {
  const m = PER_NODE.exec(name);
  return m ? Number(m[2]) : undefined;
}

export function familyOfChoice(choice: ChartChoice): CounterFamily | undefined {
  const m = /^family:([a-z]+)$/.exec(choice);
  return m && (COUNTER_FAMILIES as readonly string[]).includes(m[1]) ? (m[1] as CounterFamily) : undefined;
}

/** The catalog description of a choice (a per-node key is described by its node 0 instance, without "node 0:"). */
export function describeChoice(choice: ChartChoice): CounterInfo {
  if (choice.includes('.node*.')) {
    const d = describeCounter(choice.replace('.node*.', '.node0.'));
    return { ...d, name: choice, meaning: d.meaning.replace(/^node 0: /, 'each node: ') };
  }
  return describeCounter(choice);
}

/** The counter names a choice stands for among `names` (a picked name absent from them is still itself). */
export function expandChoice(choice: ChartChoice, names: readonly string[]): string[] {
  if (choice.includes('.node*.')) {
    const hit = names.filter((n) => perNodeKey(n) === choice).sort((a, b) => (nodeOf(a) ?? 0) - (nodeOf(b) ?? 0));
    return hit.length ? hit : [choice.replace('.node*.', '.node0.')];
  }
  const fam = familyOfChoice(choice);
  if (fam) return names.filter((n) => describeCounter(n).family === fam);
  return [choice];
}

function labelOf(name: string): string {
  const node = nodeOf(name);
  return node === undefined ? name : `node ${node}`;
}

function keyPart(s: string): string {
  return s.replace(/\*/g, 'N').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * The charts for a choice over the names a run has. Family entries show only counters that
 * moved (`moved`) and leave out names picked on their own; picked entries always show. Every
 * chart holds one unit and one kind.
 */
export function chartGroups(choices: readonly ChartChoice[], names: readonly string[], moved: (name: string) => boolean = () => true): ChartGroup[] {
  const out: ChartGroup[] = [];
  const picked = new Set<string>();
  const pickedChoices = choices.filter((c) => !familyOfChoice(c));
  for (const c of pickedChoices) for (const n of expandChoice(c, names)) picked.add(n);
  for (const choice of choices) {
    const fam = familyOfChoice(choice);
    const members = expandChoice(choice, names).filter((n) => (fam ? !picked.has(n) && moved(n) : true));
    const byAxis = new Map<string, ChartGroup>();
    for (const n of [...new Set(members)].sort()) {
      const d = describeCounter(n);
      const gauge = d.kind === 'gauge';
      const key = fam ? `${fam}-${keyPart(d.unit)}${gauge ? '-level' : ''}` : `pick-${keyPart(choice)}${byAxis.size ? `-${d.unit}-${d.kind}` : ''}`;
      const axis = `${d.unit}/${d.kind}`;
      let g = byAxis.get(axis);
      if (!g) {
        const title = fam ? `${FAMILY_TITLES[fam]} ${gauge ? 'levels' : 'events'}` : choice.includes('.node*.') ? `${choice.split('.').pop()} per node` : choice;
        g = { key, choice, title, family: d.family, unit: d.unit, kind: d.kind, names: [], labels: {}, picked: !fam };
        byAxis.set(axis, g);
      }
      g.names.push(n);
      g.labels[n] = labelOf(n);
    }
    const groups = [...byAxis.values()];
    if (fam) groups.sort((a, b) => (a.kind === b.kind ? a.unit.localeCompare(b.unit) : a.kind === 'counter' ? -1 : 1));
    out.push(...groups);
  }
  // Node order inside a chart: node 0, node 1, … (the sort above is by name).
  for (const g of out) g.names.sort((a, b) => (perNodeKey(a) && perNodeKey(a) === perNodeKey(b) ? (nodeOf(a) ?? 0) - (nodeOf(b) ?? 0) : a.localeCompare(b)));
  return out;
}

/** Picker entries for a host's names: per-node names collapse to one entry per key, with their nodes. */
export function pickerEntries(names: readonly string[]): Array<{ choice: ChartChoice; info: CounterInfo; nodes: number[] }> {
  const by = new Map<string, { choice: ChartChoice; info: CounterInfo; nodes: number[] }>();
  for (const n of names) {
    const key = perNodeKey(n) ?? n;
    let e = by.get(key);
    if (!e) by.set(key, (e = { choice: key, info: describeChoice(key), nodes: [] }));
    const node = nodeOf(n);
    if (node !== undefined && !e.nodes.includes(node)) e.nodes.push(node);
  }
  for (const e of by.values()) e.nodes.sort((a, b) => a - b);
  return [...by.values()].sort((a, b) => a.choice.localeCompare(b.choice));
}
