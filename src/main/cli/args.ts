/**
 * A strict argument parser for the CLI contract: unknown flags are errors that list the allowed
 * ones, so a typo in a user's CI script fails loudly instead of being ignored.
 */
export interface FlagSpec {
  name: string;
  /** 'bool' takes no value; 'string' takes one; 'multi' may repeat. */
  type: 'bool' | 'string' | 'multi';
  help: string;
  valueName?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) {
      const allowed = specs.map((s) => `--${s.name}`).join(', ') || '(none)';
      throw new UsageError(`unknown option --${name}; allowed here: ${allowed}`);
    }
    if (spec.type === 'bool') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value${spec.valueName ? ` (${spec.valueName})` : ''}`);
    if (spec.type === 'multi') out.flags[name] = [...((out.flags[name] as string[] | undefined) ?? []), value];
    else out.flags[name] = value;
  }
  return out;
}

export function formatFlags(specs: FlagSpec[]): string {
  return specs
    .map((s) => {
      const left = `  --${s.name}${s.type === 'bool' ? '' : ` <${s.valueName ?? 'value'}>`}${s.type === 'multi' ? ' ...' : ''}`;
      return `${left.padEnd(34)} ${s.help}`;
    })
    .join('\n');
}
