/**
 * The kernels the virtual NUMA box can name, shared by the box's builder (src/main/testbox), the
 * LabApi schemas and the UI's pickers: one list of suites, one release pattern.
 */

/** The Debian suites whose kernels the box can boot, oldest first; `testbox kernels` lists the newest of each. */
export const DEBIAN_SUITES = ['bookworm', 'bookworm-backports', 'trixie', 'trixie-backports', 'forky', 'sid'] as const;
export type DebianSuite = (typeof DEBIAN_SUITES)[number];

/** A Debian amd64 kernel release: the old ABI form (6.1.0-56-amd64) or the upstream-version form (6.12.117+deb13-amd64). */
export const DEBIAN_RELEASE = /^\d+\.\d+(?:\.\d+)?(?:-\d+|\+deb\d+(?:\.\d+)?)-amd64$/;

/** A kernel `numa-lab kernel build` made, by its key. */
export const BUILD_KEY = /^build:[0-9a-f]{20}$/;

/** What a Debian series or suite name boots: the series, then every suite but the two the series already name. */
export const DEBIAN_KERNEL_CHOICES: Array<{ value: string; label: string }> = [
  { value: '6.1', label: '6.1 (Debian bookworm)' },
  { value: '6.12', label: '6.12 (Debian trixie)' },
  ...DEBIAN_SUITES.filter((s) => s !== 'bookworm' && s !== 'trixie').map((s) => ({ value: s, label: `${s} (newest)` })),
];
