import { WORKLOADS } from './catalog';
import type { ParamSpec, WorkloadName, WorkloadParams, WorkloadSpec } from './types';
import { WORKLOAD_NAMES } from './types';

export function isWorkloadName(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

export function workloadSpec(workload: string): WorkloadSpec {
  if (!isWorkloadName(workload)) {
    throw new Error(`unknown workload "${workload}"; allowed: ${WORKLOAD_NAMES.join(', ')}`);
  }
  return WORKLOADS[workload];
}

/** What a parameter accepts, in words, for error messages and help text. */
export function describeAllowed(p: ParamSpec): string {
  switch (p.type) {
    case 'int':
      return `an integer from ${p.min} to ${p.max}`;
    case 'number':
      return `a number from ${p.min} to ${p.max}`;
    case 'enum':
      return `one of ${p.values.join(', ')}`;
    case 'flag':
      return '1 or 0 (also true/false, yes/no, on/off)';
    case 'string':
      return 'a non-empty string';
  }
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

function bad(workload: string, p: ParamSpec, given: string): Error {
  return new Error(`workload ${workload}: parameter "${p.name}" given "${given}"; allowed: ${describeAllowed(p)}`);
}

function parseOne(workload: string, p: ParamSpec, raw: string): number | string {
  const s = raw.trim();
  switch (p.type) {
    case 'int': {
      if (!/^[+-]?\d+$/.test(s)) throw bad(workload, p, raw);
      const v = Number(s);
      if (!Number.isSafeInteger(v) || v < p.min || v > p.max) throw bad(workload, p, raw);
      return v;
    }
    case 'number': {
      if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw bad(workload, p, raw);
      const v = Number(s);
      if (!Number.isFinite(v) || v < p.min || v > p.max) throw bad(workload, p, raw);
      return v;
    }
    case 'enum':
      if (!p.values.includes(s)) throw bad(workload, p, raw);
      return s;
    case 'flag': {
      const w = s.toLowerCase();
      if (TRUE_WORDS.includes(w)) return 1;
      if (FALSE_WORDS.includes(w)) return 0;
      throw bad(workload, p, raw);
    }
    case 'string':
      if (s === '') throw bad(workload, p, raw);
      return raw;
  }
}

/**
 * Validate `--param name=value` pairs of a workload and fill in the defaults.
 * Throws an Error naming the bad parameter, what was given and what is allowed.
 */
export function parseWorkloadParams(workload: string, rawParams: Record<string, string>): WorkloadParams {
  const spec = workloadSpec(workload);
  const known = new Map(spec.params.map((p) => [p.name, p]));
  for (const name of Object.keys(rawParams)) {
    if (!known.has(name)) {
      const allowed = spec.params.map((p) => p.name).join(', ') || '(none)';
      throw new Error(`workload ${workload}: unknown parameter "${name}" (given "${rawParams[name]}"); allowed parameters: ${allowed}`);
    }
  }
  const out: WorkloadParams = {};
  for (const p of spec.params) {
    const raw = rawParams[p.name];
    if (raw === undefined) {
      if (p.type === 'string' && p.required) {
        throw new Error(`workload ${workload}: parameter "${p.name}" is required (${p.meaning}); allowed: ${describeAllowed(p)}`);
      }
      if (p.default !== null) out[p.name] = p.default;
      continue;
    }
    out[p.name] = parseOne(workload, p, raw);
  }
  if ('from' in out && 'to' in out && out.from === out.to && out.migrate !== 0) {
    throw new Error(`workload ${workload}: parameters "from" and "to" are both ${out.from}; allowed: two different nodes (or migrate=0)`);
  }
  return out;
}

/**
 * Typed params given as numbers/strings (e.g. from a JSON spec): converted to strings and
 * validated the same way, so one set of rules applies everywhere.
 */
export function normalizeWorkloadParams(workload: string, params: Record<string, unknown>): WorkloadParams {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    raw[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return parseWorkloadParams(workload, raw);
}

/** How many NUMA nodes a workload needs: a migration needs a source and a different target. */
export function minNodes(workload: string, params: WorkloadParams): number {
  const spec = workloadSpec(workload);
  switch (spec.name) {
    case 'thp-move':
    case 'mbind-move':
    case 'migrate-pages': {
      const highest = Math.max(Number(params.from ?? 0), Number(params.to ?? 1));
      if (params.migrate === 0) return Number(params.from ?? 0) + 1;
      return Math.max(2, highest + 1);
    }
    case 'numa-touch':
      return Math.max(2, Math.max(Number(params.from ?? 0), Number(params.to ?? 1)) + 1);
    case 'numa01':
    case 'numa02':
      // They run on one node too, but then nothing can move: the point is a NUMA box.
      return 2;
    case 'custom':
      return 1;
  }
}
