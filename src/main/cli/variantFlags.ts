import { readFileSync, statSync } from 'node:fs';
import { UsageError, type FlagSpec } from './args';
import { modelRefSpec, parseBehaviour, VariantDefinitionSchema, type BehaviourOverrides, type ModelRef, type VariantDefinition, type VariantOverrides } from '../../shared/sim/behaviours';
import { resolveVariant } from '../../sim/variants';

/** `--behaviour KEY=VALUE` and `--variant FILE.json`, shared by `sim` and `run`. */
export const VARIANT_FLAGS: FlagSpec[] = [
  { name: 'behaviour', type: 'multi', valueName: 'key=value', help: `a kernel behaviour switched over the kernel's variant, e.g. --behaviour deferred_split_target=from (numa-lab sim --behaviours lists them)` },
  { name: 'variant', type: 'string', valueName: 'FILE.json', help: 'a variant: {"name", "base" (a preset), "behaviours": {key: value}, "notes"}; replaces --kernel' },
];

/** A variant file, checked: what is wrong and what is allowed. */
export function readVariantFile(path: string): VariantDefinition {
  let text: string;
  try {
    if (statSync(path).size > 64 * 1024) throw new UsageError(`--variant ${path}: larger than 64 KiB; a variant is a small JSON object`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--variant ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--variant ${path}: not JSON (${e instanceof Error ? e.message : String(e)}); expected {"name", "base", "behaviours": {...}, "notes"}`);
  }
  return parseVariantDefinition(json, `--variant ${path}`);
}

/** A variant definition from JSON, with errors that name the field and the allowed values. */
function parseVariantDefinition(json: unknown, what: string): VariantDefinition {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const b = (json as { behaviours?: unknown }).behaviours;
    if (b && typeof b === 'object') {
      for (const [k, v] of Object.entries(b)) {
        const p = parseBehaviour(`${k}=${String(v)}`);
        if ('error' in p) throw new UsageError(`${what}: ${p.error}`);
      }
    }
  }
  const r = VariantDefinitionSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const allowed = i.path[0] === 'base' ? `; allowed bases: ${VariantDefinitionSchema.shape.base.options.join(', ')}` : '';
    throw new UsageError(`${what}: ${i.path.join('.') || 'the file'}: ${i.message}${allowed}`);
  }
  return r.data;
}

/**
 * The model the flags ask for: the kernel (a release or preset; from the variant file's base
 * when one is given) and the switches over it, --behaviour over the file's. No kernel: `run`
 * predicts with the host's release.
 */
export function modelFromFlags(flags: Record<string, unknown>): { kernel?: string; variant?: VariantOverrides } {
  const file = typeof flags.variant === 'string' ? readVariantFile(flags.variant) : undefined;
  if (file && typeof flags.kernel === 'string') throw new UsageError(`give --kernel or --variant, not both: the variant file names its base (${file.base})`);
  const given: BehaviourOverrides = {};
  for (const pair of (flags.behaviour as string[] | undefined) ?? []) {
    const p = parseBehaviour(pair);
    if ('error' in p) throw new UsageError(p.error);
    (given as Record<string, string>)[p.key] = p.value;
  }
  const fromFile = file ? modelRefSpec(file) : undefined;
  const kernel = fromFile?.kernel ?? (typeof flags.kernel === 'string' ? flags.kernel : undefined);
  if (!fromFile && !Object.keys(given).length) return { kernel };
  const variant: VariantOverrides = { ...fromFile?.variant, behaviours: { ...fromFile?.variant?.behaviours, ...given } };
  if (kernel) {
    try {
      resolveVariant(kernel, variant);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  return { kernel, variant };
}

/** A `--variant`-like flag of kernel build, testbox up and ab: a preset or release, or a variant FILE.json. */
export function modelRefFlag(flag: string, v: unknown): ModelRef | undefined {
  if (typeof v !== 'string') return undefined;
  if (!v.endsWith('.json')) return v;
  try {
    return readVariantFile(v);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/^--variant /, `--${flag} `) : String(e));
  }
}
