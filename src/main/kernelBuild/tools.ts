import { existsSync } from 'node:fs';
import { which } from '../testbox/prereqs';
import { KernelBuildError } from './errors';

/** What kbuild needs on the host for the box's kernel, each with the Debian package that has it (scripts/system-deps.mjs lists the same). */
const BUILD_TOOLS: Array<{ has: () => boolean; what: string; pkg: string }> = [
  { has: () => !!which('make'), what: 'make', pkg: 'make' },
  { has: () => !!which('gcc'), what: 'gcc', pkg: 'gcc' },
  { has: () => !!which('bc'), what: 'bc', pkg: 'bc' },
  { has: () => !!which('bison'), what: 'bison', pkg: 'bison' },
  { has: () => !!which('flex'), what: 'flex', pkg: 'flex' },
  { has: () => !!which('patch'), what: 'patch', pkg: 'patch' },
  { has: () => !!which('xz'), what: 'xz', pkg: 'xz-utils' },
  { has: () => !!which('perl'), what: 'perl', pkg: 'perl' },
  { has: () => existsSync('/usr/include/libelf.h'), what: 'libelf.h (objtool)', pkg: 'libelf-dev' },
  { has: () => existsSync('/usr/include/openssl/ssl.h'), what: 'openssl headers', pkg: 'libssl-dev' },
];

/** Every missing build tool at once, with the apt-get line that installs them. */
export function checkBuildTools(): void {
  const missing = BUILD_TOOLS.filter((t) => !t.has());
  if (missing.length)
    throw new KernelBuildError(
      `building a kernel needs ${missing.map((t) => t.what).join(', ')}; install with: apt-get install -y --no-install-recommends ${[...new Set(missing.map((t) => t.pkg))].join(' ')}`,
      'missing-tool',
    );
}
