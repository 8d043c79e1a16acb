/** Why a kernel build was refused or failed; `kind` picks the CLI's exit status without parsing text. */
export type KernelBuildErrorKind = 'bad-source' | 'source-unavailable' | 'patch-failed' | 'bad-config' | 'build-failed' | 'busy' | 'missing-tool';

export class KernelBuildError extends Error {
  constructor(
    message: string,
    readonly kind: KernelBuildErrorKind,
    /** The build log's last lines, for a failed build. */
    readonly logTail?: string,
  ) {
    super(message);
    this.name = 'KernelBuildError';
  }
}
