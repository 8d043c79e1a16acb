/**
 * Workload parameter descriptions shared by the real workloads (src/main/workloads), the
 * simulator (src/sim) and the CLI (`--param name=value`). The names are a CLI contract
 * (issue 7): do not rename them.
 */

export type WorkloadName =
  | 'thp-move'
  | 'mbind-move'
  | 'migrate-pages'
  | 'numa-touch'
  | 'numa01'
  | 'numa02'
  | 'custom';

export const WORKLOAD_NAMES: readonly WorkloadName[] = [
  'thp-move',
  'mbind-move',
  'migrate-pages',
  'numa-touch',
  'numa01',
  'numa02',
  'custom',
];

interface ParamBase {
  name: string;
  /** One line: what the parameter means. */
  meaning: string;
}

export interface IntParam extends ParamBase {
  type: 'int';
  default: number;
  min: number;
  max: number;
}

export interface NumberParam extends ParamBase {
  type: 'number';
  default: number;
  min: number;
  max: number;
}

export interface EnumParam extends ParamBase {
  type: 'enum';
  default: string;
  values: readonly string[];
}

/** A 0/1 switch; the CLI also accepts true/false, yes/no, on/off. */
export interface FlagParam extends ParamBase {
  type: 'flag';
  default: 0 | 1;
}

export interface StringParam extends ParamBase {
  type: 'string';
  default: string | null;
  /** true: the parameter must be given (e.g. `custom` needs `cmd`). */
  required: boolean;
}

export type ParamSpec = IntParam | NumberParam | EnumParam | FlagParam | StringParam;

/**
 * The kernel mechanism a workload's memory moves through: a migration system call
 * (move_pages, mbind, migrate_pages), NUMA balancing (scans, hint faults,
 * migrate_misplaced_folio), or none the lab knows of (`custom`).
 */
export type WorkloadMechanism = 'syscall' | 'numa-balancing' | 'none';

/** A host knob the workload's mechanism needs: an experiment sets `value` unless the user gives the knob. */
export interface KnobNeed {
  knob: string;
  value: string;
  /** Whether a value (the user's, or the host's) leaves the mechanism on. */
  on: (value: string) => boolean;
  /** Why, in words: shown when a user's value turns the mechanism off. */
  why: string;
}

export interface WorkloadSpec {
  name: WorkloadName;
  /** One line: what the workload does. */
  summary: string;
  /** false for `custom`: measured, never simulated. */
  simulated: boolean;
  params: readonly ParamSpec[];
  mechanism: WorkloadMechanism;
  needs: readonly KnobNeed[];
  /**
   * The counters a verdict table always shows, zeros included: a zero here is a finding (6.12's
   * thp_migration_success = 0 on a partially mapped THP is the point of the kernel change).
   */
  keyCounters: readonly string[];
  /**
   * The counters that say the workload's purpose happened; a run in which all of them stayed 0
   * is vacuous (nothing moved, so agreeing on nothing shows nothing). Empty: no such check
   * (`custom`, or a set-up-only spec such as thp-move migrate=0).
   */
  purpose: (params: WorkloadParams) => readonly string[];
}

/** Parsed parameters: numbers for int/number/flag, strings for enum/string. */
export type WorkloadParams = Record<string, number | string>;
