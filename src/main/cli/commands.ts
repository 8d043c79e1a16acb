import type { FlagSpec } from './args';

/** One CLI subcommand: its words (e.g. ['hosts', 'probe']), usage line, flags and runner. */
export interface CliContext {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CliCommand {
  words: string[];
  usage: string;
  summary: string;
  flags: FlagSpec[];
  run(ctx: CliContext): Promise<number>;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'db', type: 'string', valueName: 'path', help: 'SQLite file of the lab (default: ~/.local/share/numa-lab/lab.db)' },
  { name: 'help', type: 'bool', help: 'show help' },
];
