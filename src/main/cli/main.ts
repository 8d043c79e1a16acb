import { formatFlags, parseArgs, UsageError } from './args';
import { GLOBAL_FLAGS, type CliCommand } from './commands';
import { hostsProbeCommand } from './hostsProbe';
import { serveCommand } from './serve';
import { simCommand } from './sim';
import { runCommand } from './run';
import { compareCommand } from './compare';
import { testboxDownCommand, testboxKernelsCommand, testboxListCommand, testboxUpCommand } from './testbox';
import { knobsGetCommand, knobsRestoreCommand, knobsSetCommand } from './knobs';
import { sampleCommand } from './sample';
import { countersCommand } from './counters';
import { kernelBuildCommand } from './kernel';
import { abCommand } from './ab';
import { runsExportCommand, runsListCommand } from './runs';
import { LabApiError } from '../../shared/api/labApi';
import { exitStatusFor } from '../../shared/api/errorCodes';
import { LAB_VERSION } from '../version';

/**
 * numa-lab: the CLI contract. Subcommands, flags and JSON shapes are relied on by users' CI:
 * change them only by adding. Exit status: 0 ok, 1 failed, 2 usage error (3: a compared
 * counter diverged, for `run`).
 */
export const COMMANDS: CliCommand[] = [serveCommand, hostsProbeCommand, simCommand, runCommand, compareCommand, knobsGetCommand, knobsSetCommand, knobsRestoreCommand, sampleCommand, countersCommand, runsListCommand, runsExportCommand, testboxUpCommand, testboxListCommand, testboxDownCommand, testboxKernelsCommand, kernelBuildCommand, abCommand];

function helpText(): string {
  return [
    `numa-lab ${LAB_VERSION} — a lab for Linux THP and NUMA page-migration experiments`,
    '',
    'Usage: numa-lab <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Global options:',
    formatFlags(GLOBAL_FLAGS),
    '',
    'Targets: local, ssh://[user@]host[:port], an ssh alias, serial:/path, testbox:<name>',
    "Run 'numa-lab <command> --help' for a command's options.",
  ].join('\n');
}

function commandHelp(c: CliCommand): string {
  return [`Usage: ${c.usage}`, '', c.summary, '', 'Options:', formatFlags([...c.flags, ...GLOBAL_FLAGS])].join('\n');
}

export async function runCli(argv: string[], out = (l: string) => process.stdout.write(`${l}\n`), err = (l: string) => process.stderr.write(`${l}\n`)): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    out(LAB_VERSION);
    return 0;
  }
  const cmd = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
  if (!cmd) {
    const known = [...new Set(COMMANDS.map((c) => c.words.join(' ')))].join(', ');
    err(`numa-lab: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}; commands: ${known}. See numa-lab --help`);
    return 2;
  }
  const rest = argv.slice(cmd.words.length);
  try {
    const parsed = parseArgs(rest, [...cmd.flags, ...GLOBAL_FLAGS]);
    if (parsed.flags.help) {
      out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run({ positionals: parsed.positionals, flags: parsed.flags, out, err });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`numa-lab ${cmd.words.join(' ')}: ${e.message}\nUsage: ${cmd.usage}`);
      return 2;
    }
    const code = e instanceof LabApiError ? exitStatusFor(e.code) : 1;
    err(`numa-lab ${cmd.words.join(' ')}: ${e instanceof Error ? e.message : String(e)}`);
    return code;
  }
}
