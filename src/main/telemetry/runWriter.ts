import { describeCounter, describeInSection, withInferredKind, type CounterInfo } from '../../shared/telemetry/catalog';
import { vmstatSections } from '../../shared/telemetry/vmstatLayout';
import type { Frame } from '../../shared/telemetry/frameParser';
import type { RunEvent } from '../../shared/telemetry/api';
import type { TelemetryRepo } from '../store/telemetryRepo';

/**
 * Turns parsed frames into rows of one run and commits them in batches (the caller flushes every
 * ~200 ms), so a lab killed with -9 loses at most the batch in flight. Only values that changed
 * since the counter's last row are written; a counter that vanishes from its group gets a NULL
 * row.
 *
 * Kinds: the catalog has the kernel's definition of every name it knows. A vmstat name it does
 * not know takes its kind from where the kernel printed it (the first frame's order, see
 * vmstatSections); anything else keeps a guessed kind, marked inferred, that the run corrects:
 * a guessed counter that goes down was a level. Only a counter whose kind is the kernel's and
 * that goes backwards is a reset (host rebooted, counter cleared), recorded as an event and never
 * drawn as a negative rate.
 */
export class RunWriter {
  private readonly last = new Map<string, number | null>();
  private readonly ids = new Map<string, number>();
  private rows: number[] = []; // flat: counter_id, t_ms, value (NaN = NULL)
  private times: number[] = [];
  private t0: number | undefined;
  private lastMs = -1;
  private stored = 0;
  readonly unknownCounters = new Set<string>();
  /** Kinds this run learned (from the kernel's print order, or from its values), by name. */
  private readonly kinds = new Map<string, CounterInfo>();
  private kindsChanged = false;
  /** Frames whose clock did not advance (kept, nudged by 1 ms). */
  clockNudges = 0;
  private readonly insSample;
  private readonly insTime;
  private readonly updRun;
  private readonly tx;

  constructor(
    private readonly repo: TelemetryRepo,
    readonly runId: number,
    private readonly onEvent: (e: RunEvent) => void = () => {},
  ) {
    const db = repo.db;
    this.insSample = db.prepare('INSERT OR REPLACE INTO samples (run_id, counter_id, t_ms, value) VALUES (?, ?, ?, ?)');
    this.insTime = db.prepare('INSERT OR IGNORE INTO sample_times (run_id, t_ms) VALUES (?, ?)');
    this.updRun = db.prepare('UPDATE runs SET sample_count = sample_count + ?, last_t_ms = ? WHERE id = ?');
    this.tx = db.transaction((rows: number[], times: number[]) => {
      for (let i = 0; i < rows.length; i += 3) this.insSample.run(this.runId, rows[i], rows[i + 1], Number.isNaN(rows[i + 2]) ? null : rows[i + 2]);
      for (const t of times) this.insTime.run(this.runId, t);
      this.updRun.run(times.length, this.lastMs, this.runId);
    });
  }

  /** Host clock (s) of the first frame, once one arrived. */
  get hostT0(): number | undefined {
    return this.t0;
  }

  get samples(): number {
    return this.stored + this.times.length;
  }

  /** Milliseconds since the run's first frame for a host-clock time. */
  msOf(hostT: number): number {
    return Math.round((hostT - (this.t0 ?? hostT)) * 1000);
  }

  private id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.repo.counterId(name);
      this.ids.set(name, id);
      if (describeCounter(name).unknown) this.unknownCounters.add(name);
    }
    return id;
  }

  /** A counter as this run knows it (the catalog, corrected by what the run learned). */
  kindOf(name: string): CounterInfo {
    return this.kinds.get(name) ?? describeCounter(name);
  }

  /** What the run learned about kinds, for the run's meta (RunMeta.kinds). */
  learnedKinds(): Record<string, Pick<CounterInfo, 'kind' | 'kindFrom' | 'source'>> {
    return Object.fromEntries([...this.kinds].map(([n, d]) => [n, { kind: d.kind, kindFrom: d.kindFrom, source: d.source }]));
  }

  /** The first frame: vmstat names the catalog lacks take the section the kernel printed them in. */
  private learnFromLayout(f: Frame): void {
    const vmstat = [...f.values.keys()].filter((n) => groupOf(n) === 'vmstat');
    const sections = vmstatSections(vmstat);
    if (!sections) return;
    for (const [name, section] of sections) {
      if (describeCounter(name).kindFrom === 'kernel') continue;
      this.kinds.set(name, describeInSection(name, section));
      this.kindsChanged = true;
    }
  }

  /** Adds one frame; returns its time in ms since the run's first frame. */
  addFrame(f: Frame): number {
    if (this.t0 === undefined) {
      this.t0 = f.t;
      this.learnFromLayout(f);
    }
    let t = this.msOf(f.t);
    if (t <= this.lastMs) {
      t = this.lastMs + 1;
      this.clockNudges++;
    }
    this.lastMs = t;
    this.times.push(t);
    const groups = new Set<string>();
    for (const [name, v] of f.values) {
      groups.add(groupOf(name));
      const prev = this.last.get(name);
      if (prev === v) continue;
      const id = this.id(name);
      this.rows.push(id, t, v);
      this.last.set(name, v);
      const d = prev !== undefined && prev !== null && v < prev ? this.kindOf(name) : undefined;
      if (d?.kind === 'counter') {
        if (d.kindFrom === 'inferred') {
          // A guessed counter that went down is a level: say so, and no reset.
          this.kinds.set(name, withInferredKind(d, 'gauge'));
          this.kindsChanged = true;
          continue;
        }
        this.onEvent(
          this.repo.addEvent(this.runId, t, 'reset', `${name} went back from ${prev} to ${v}: counted as a reset (host rebooted or counter cleared), not a negative rate`, {
            counter: name,
            severity: 'warning',
            data: { before: prev, after: v },
          }),
        );
      }
    }
    // A counter missing from a group that this frame did carry has vanished (another kernel,
    // an offlined node): say so with a NULL row instead of carrying its last value forward.
    for (const [name, prev] of this.last) {
      if (prev === null || f.values.has(name) || !groups.has(groupOf(name))) continue;
      this.rows.push(this.id(name), t, Number.NaN);
      this.last.set(name, null);
    }
    return t;
  }

  /** Commits what is pending in one transaction. */
  flush(): void {
    if (!this.times.length && !this.rows.length) return;
    const rows = this.rows;
    const times = this.times;
    this.rows = [];
    this.times = [];
    this.tx(rows, times);
    this.stored += times.length;
    if (this.kindsChanged) {
      this.kindsChanged = false;
      this.repo.setMeta(this.runId, { kinds: this.learnedKinds() });
    }
  }
}

/** The sampler prints groups together (vmstat every tick; numastat, meminfo, mthp at a lower rate). */
function groupOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? 'vmstat' : name.slice(0, dot);
}
