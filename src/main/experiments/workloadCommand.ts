import type { WorkloadParams } from '../../shared/workloads';

/**
 * How each catalog workload is started on a host: which binary of resources/workloads and which
 * `name=value` words. The thp-move family shares one program (the memory set-up is the same;
 * only the move differs), numa01/numa02 are their own.
 */
export function workloadBinary(workload: string): string | undefined {
  switch (workload) {
    case 'thp-move':
    case 'mbind-move':
    case 'migrate-pages':
    case 'numa-touch':
      return 'thp-move';
    case 'numa01':
    case 'numa02':
      return workload;
    default:
      return undefined;
  }
}

const METHOD: Record<string, string> = {
  'mbind-move': 'mbind',
  'migrate-pages': 'migrate_pages',
  'numa-touch': 'touch',
};

/** The argument words after the binary; `hold=1` lets the lab snapshot /proc/vmstat between phases. */
export function workloadArgs(workload: string, params: WorkloadParams): string[] {
  const args = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  if (METHOD[workload]) args.unshift(`method=${METHOD[workload]}`);
  return [...args, 'hold=1'];
}
