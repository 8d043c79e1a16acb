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

export interface WorkloadSpec {
  name: WorkloadName;
  /** One line: what the workload does. */
  summary: string;
  /** false for `custom`: measured, never simulated. */
  simulated: boolean;
  params: readonly ParamSpec[];
}

/** Parsed parameters: numbers for int/number/flag, strings for enum/string. */
export type WorkloadParams = Record<string, number | string>;
