import { isInputError, labErrorCode } from '../api/errorCodes';
import { minNodes, parseWorkloadParams } from '../workloads';
import type { RunLineRequest } from './runCommandLine';

/**
 * Where an experiment form shows a refusal: beside the field that caused it, in plain words.
 * The lab's errors are written for the CLI too (flags, commands); the form names its own fields
 * and views instead. Environment-free, so the mapping is tested without a browser.
 */
export type FormField = 'workload' | `param:${string}` | 'knobs' | 'model' | 'repeat' | 'rate' | 'target';

export interface FieldError {
  /** The field the error is about; null: the request as a whole (shown by the Run button). */
  field: FormField | null;
  /** What is wrong and what to do, in the form's words. */
  text: string;
  /** The one-node refusal: the form offers to open the NUMA box view. */
  needsNodes?: boolean;
}

/** The error of experiments.start as the form shows it. */
export function fieldErrorOf(req: Pick<RunLineRequest, 'target' | 'workload' | 'params' | 'knobs' | 'kernel'>, code: string, message: string): FieldError {
  if (code === 'needs-nodes') return { field: 'workload', text: needsNodesText(req, message), needsNodes: true };
  if (code === 'bad-target' || code === 'unsupported-target') return { field: 'target', text: message };
  // The schema's own refusal: "bad parameters for experiments.start: request.knobs.x: …".
  const schema = /request\.(params|knobs|repeat|rateHz|workload|kernel|variant)(?:\.([^:\s]+))?: ([^;]*)/.exec(message);
  if (schema) {
    const [, key, name, why] = schema;
    const field: FormField = key === 'params' ? (name ? `param:${name}` : 'workload') : key === 'knobs' ? 'knobs' : key === 'repeat' ? 'repeat' : key === 'rateHz' ? 'rate' : key === 'workload' ? 'workload' : 'model';
    return { field, text: `${name ?? key}: ${why}` };
  }
  const param = /parameters? "([^"]+)"(?: and "([^"]+)")?/.exec(message) ?? /--param ([a-z][\w.-]*)=/i.exec(message);
  if (param) return { field: `param:${param[2] ?? param[1]}`, text: plainParam(message) };
  if (/unknown workload/.test(message)) return { field: 'workload', text: message };
  if (/\bknob\b/.test(message) || Object.keys(req.knobs).some((k) => message.includes(`${k}:`) || message.includes(`"${k}"`) || message.startsWith(`${k} `))) return { field: 'knobs', text: message };
  if (/behaviour|variant|\bmodel\b/.test(message) || (req.kernel && message.includes(`"${req.kernel}"`))) return { field: 'model', text: message };
  return { field: null, text: message };
}

/** The one-node refusal, from the lab's message (which names the numbers). */
function needsNodesText(req: Pick<RunLineRequest, 'target' | 'workload'>, message: string): string {
  const m = /needs (\d+) NUMA nodes, and (.+?) has (\d+)\./.exec(message);
  return needsNodesSentence(req.workload, m ? Number(m[1]) : undefined, m ? m[2]! : req.target, m ? Number(m[3]) : undefined) + ' Nothing was run.';
}

/** The one-node refusal without CLI syntax: what is wrong, and where in the app to fix it. */
export function needsNodesSentence(workload: string, need: number | undefined, target: string, has: number | undefined): string {
  const needs = need ? `${need} NUMA nodes` : 'more NUMA nodes';
  const hasWords = has === undefined ? 'fewer' : has === 1 ? 'only one' : String(has);
  const faultsOnly = workload === 'thp-move' ? ', or set migrate to 0 to measure the THP faults alone' : '';
  return `${workload} moves memory between nodes: with these parameters it needs ${needs}, and ${target} has ${hasWords}. Boot a NUMA box in the NUMA box view and pick it as the host${faultsOnly}.`;
}

/**
 * The same refusal before Run is pressed, from the host's facts (undefined: the host has the
 * nodes, or the parameters are not valid yet — the lab says what is wrong with them on Run).
 */
export function nodeShortfall(req: Pick<RunLineRequest, 'target' | 'workload' | 'params'>, hostNodes: number): FieldError | undefined {
  let need: number;
  try {
    need = minNodes(req.workload, parseWorkloadParams(req.workload, req.params));
  } catch {
    return undefined;
  }
  if (hostNodes >= need) return undefined;
  return { field: 'workload', text: needsNodesSentence(req.workload, need, req.target, hostNodes), needsNodes: true };
}

/** A parameter error without the CLI's flag syntax (`--param to=3:` → `to=3:`). */
function plainParam(message: string): string {
  return message.replace(/--param ([a-z][\w.-]*=)/gi, '$1');
}

/**
 * A row an older lab stored for a request it refused before anything ran (bad input, the
 * workload never reached the host): not an experiment. The lab no longer stores them; the
 * Experiments view leaves the old ones out of its list and compare picker.
 */
export function refusedBeforeRun(x: { status: string; errorCode?: string | null; kernel: string | null }): boolean {
  return x.status === 'failed' && x.kernel === null && !!x.errorCode && isInputError(labErrorCode(x.errorCode));
}
