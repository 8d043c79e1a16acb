/**
 * Every failure of the virtual NUMA box is a TestboxError: a message that names what is
 * missing or wrong and, where a package fixes it, the exact apt-get line. `kind` lets the CLI
 * and the UI pick an exit status or a dialog without parsing the text.
 */
export type TestboxErrorKind =
  | 'missing-tool'
  | 'kernel-unavailable'
  | 'bad-spec'
  | 'no-memory'
  | 'boot-failed'
  | 'boot-timeout'
  | 'not-found'
  | 'busy';

export class TestboxError extends Error {
  constructor(
    message: string,
    readonly kind: TestboxErrorKind,
  ) {
    super(message);
    this.name = 'TestboxError';
  }
}

/** Progress, one line per step ("downloading linux-image-6.1.0-56-amd64-unsigned ..."). */
export type Log = (line: string) => void;
export const quiet: Log = () => {};
