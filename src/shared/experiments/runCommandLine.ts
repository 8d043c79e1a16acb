import { commandLine } from '../commandLine';
import { overrideWords } from '../sim/behaviours';
import type { ExperimentRequest } from './api';

/** The `numa-lab run` defaults: a flag equal to one is left out of the line (except repeat and rate, always shown). */
const CLI_DEFAULTS = { baselineS: 1, cooldownS: 1 } as const;

/** What an experiment request needs to become a `numa-lab run` line (the request experiments.start gets). */
export type RunLineRequest = Pick<ExperimentRequest, 'target' | 'workload' | 'params' | 'knobs' | 'repeat' | 'rateHz'> &
  Partial<Pick<ExperimentRequest, 'kernel' | 'variant' | 'baselineS' | 'cooldownS' | 'trace'>>;

/**
 * The words of the `numa-lab run` command that starts the same experiment as `req` ("Copy as
 * CLI"): the target, the workload, every parameter and knob, repeat and rate, and the model
 * (`--kernel` and one `--behaviour` per switch). A saved variant's name is a label only: the CLI
 * takes a name with `--variant FILE.json`, so the line carries its switches, which are the model.
 */
export function runCommandWords(req: RunLineRequest, program = 'numa-lab'): string[] {
  const words = [program, 'run', req.target, '--workload', req.workload];
  for (const [k, v] of Object.entries(req.params)) words.push('--param', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.knobs)) words.push('--knob', `${k}=${v}`);
  words.push('--repeat', String(req.repeat), '--rate', String(req.rateHz));
  if (req.kernel) words.push('--kernel', req.kernel);
  for (const b of overrideWords(req.variant?.behaviours ?? {})) words.push('--behaviour', b);
  if (req.baselineS !== undefined && req.baselineS !== CLI_DEFAULTS.baselineS) words.push('--baseline', String(req.baselineS));
  if (req.cooldownS !== undefined && req.cooldownS !== CLI_DEFAULTS.cooldownS) words.push('--cooldown', String(req.cooldownS));
  if (req.trace === false) words.push('--no-trace');
  return words;
}

/** The line a user pastes into a POSIX shell: every word that needs it quoted (commandLine). */
export function runCommandLine(req: RunLineRequest, program = 'numa-lab'): string {
  return commandLine(runCommandWords(req, program));
}

/** Why a request cannot be written as a `numa-lab run` line, or undefined (the CLI takes whole numbers for repeat, rate, baseline and cooldown). */
export function runLineProblem(req: RunLineRequest): string | undefined {
  const whole: Array<[string, number | undefined]> = [
    ['repeat', req.repeat],
    ['rate', req.rateHz],
    ['baseline', req.baselineS],
    ['cooldown', req.cooldownS],
  ];
  const bad = whole.find(([, v]) => v !== undefined && !Number.isInteger(v));
  return bad ? `--${bad[0]} takes a whole number; ${bad[1]} is not one` : undefined;
}
