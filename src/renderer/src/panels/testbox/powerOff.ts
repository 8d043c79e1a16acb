import type { TestboxSummary } from '../../../../shared/testbox/api';
import { formatUptime, ownerText } from '../../../../shared/testbox/boxText';

export interface RunningExperiment {
  id: number;
  workload: string;
}

export interface PowerOffPrompt {
  title: string;
  /** What the box is: kernel, topology, uptime. */
  box: string;
  /** Who started it. */
  owner: string;
  /** What stops with it. */
  consequences: string[];
  confirm: string;
}

/**
 * The words of the power-off confirmation (or, for a box whose QEMU is already gone, of removing
 * what it left): the box by name, its kernel and uptime, who started it, and what stops with it.
 */
export function powerOffPrompt(b: TestboxSummary, uptimeMs: number | null, experiments: readonly RunningExperiment[]): PowerOffPrompt {
  const topology = `${b.nodes} node${b.nodes > 1 ? 's' : ''} × (${b.cpusPerNode} CPU, ${b.memPerNodeMiB} MiB)`;
  const owner =
    b.owner === 'this-lab'
      ? `Started by ${ownerText(b)}.`
      : `Started elsewhere: ${ownerText(b)}.${b.ownerAlive ? ' That process may still be using it.' : ''}`;
  if (!b.running) {
    return {
      title: `Remove ${b.target}?`,
      box: `Kernel ${b.release}, ${topology}. Its QEMU is no longer running.`,
      owner,
      consequences: ["Its state folder (sockets, descriptor, console log) is deleted; the console's last lines are lost."],
      confirm: `Remove ${b.name}`,
    };
  }
  const runs =
    experiments.length === 0
      ? 'No experiment of this lab is running on it now; anything else using it (a `numa-lab run` in a terminal, another lab) loses it too.'
      : `Running experiment${experiments.length > 1 ? 's' : ''} on it will stop: ${experiments.map((e) => `#${e.id} (${e.workload})`).join(', ')}.`;
  return {
    title: `Power off ${b.target}?`,
    box: `Kernel ${b.release}, ${topology}, ${b.accelerator.toUpperCase()}, up ${uptimeMs === null ? '?' : formatUptime(uptimeMs)}.`,
    owner,
    consequences: [runs, 'Its terminals close. QEMU is asked to quit (then SIGTERM, then SIGKILL), and the box\'s state folder and console log are removed.'],
    confirm: `Power off ${b.name}`,
  };
}
