/**
 * Progress of a kbuild run from its quiet output ("  CC      mm/migrate.o"): each CC or AS line
 * is one object built. kbuild does not know its total in advance; the total is the count of the
 * last full build of the same object folder, or, for the first, the count measured for the
 * lab's config of that series (an estimate, said as one).
 */
const OBJECT_LINE = /^\s+(?:CC|AS)\s+(\S+\.o)\s*$/;

/** Objects a first build of the lab's tinyconfig + box fragment compiles (measured on 6.12.117; 6.1 is within a few percent). */
export const FIRST_BUILD_OBJECTS_ESTIMATE = 1110;

export type { BuildProgress } from '../../shared/testbox/api';

export function objectBuilt(line: string): string | undefined {
  return OBJECT_LINE.exec(line)?.[1];
}

/** The last lines of a log, for a failed build: enough to see the first error and what make said after it. */
export class LogTail {
  private readonly lines: string[] = [];
  constructor(private readonly keep = 40) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
  text(): string {
    return this.lines.join('\n');
  }
}
