export * from './types';
export { WORKLOADS } from './catalog';
export { parseWorkloadParams, normalizeWorkloadParams, minNodes, workloadSpec, isWorkloadName, describeAllowed } from './parse';
