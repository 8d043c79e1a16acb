export { buildKernel, type KernelBuildRequest } from './build';
export { builtKernelAt, type BuiltKernel } from './builtKernel';
export { KernelBuildError, type KernelBuildErrorKind } from './errors';
export type { BuildProgress } from './progress';
