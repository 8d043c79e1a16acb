import { UsageError, type FlagSpec } from './args';

/** `--param name=value` and `--knob name=value`, shared by `sim` and `run`. */
export const PARAM_FLAGS: FlagSpec[] = [
  { name: 'workload', type: 'string', valueName: 'name', help: 'thp-move, mbind-move, migrate-pages, numa-touch, numa01, numa02 (custom: run only)' },
  { name: 'param', type: 'multi', valueName: 'name=value', help: 'a workload parameter, e.g. --param thps=8 --param unmap=0.5' },
  { name: 'knob', type: 'multi', valueName: 'name=value', help: 'a knob setting, e.g. --knob thp.enabled=always --knob numa.balancing=1' },
];

const NAME = /^[a-z][a-z0-9_.\-/]*$/i;

export function keyValues(flag: string, raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (raw as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes name=value, got ${JSON.stringify(kv)}`);
    const k = kv.slice(0, eq);
    if (!NAME.test(k)) throw new UsageError(`--${flag} name ${JSON.stringify(k)} must be letters, digits, "_", ".", "-" or "/"`);
    out[k] = kv.slice(eq + 1);
  }
  return out;
}

/** Sizes as users write them: 1G, 512M, 2048 (MiB). */
export function parseMiB(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([GgMm]i?[Bb]?)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${flag} must be a size like 1G, 512M or 2048 (MiB), got ${JSON.stringify(v)}`);
  const n = Number(m[1]) * (m[2] && /^g/i.test(m[2]) ? 1024 : 1);
  if (!(n >= 64 && n <= 1 << 22)) throw new UsageError(`--${flag} must be between 64M and 4096G, got ${v}`);
  return Math.round(n);
}

export function parseIntFlag(flag: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const s = String(v);
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(s)}`);
  return Number(s);
}
