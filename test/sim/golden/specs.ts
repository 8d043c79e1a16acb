/**
 * The `numa-lab sim --json` command lines whose output is pinned byte for byte
 * (test/fixtures/sim-golden/<name>.json): every preset on the deterministic and the balancing
 * workloads, the ground-truth releases, and the bench's shapes. A change to the model that is
 * meant to keep its predictions is checked against what the model said before it.
 */
export interface GoldenSpec {
  name: string;
  argv: string[];
}

const PRESETS = ['linux-6.1', 'linux-6.3..6.9', 'v5-posted', 'linux-6.10..6.11', 'linux-6.12+'];
const GT = ['--knob', 'thp.enabled=always', '--knob', 'khugepaged/scan_sleep_millisecs=3600000'];

const SHAPES: Array<{ tag: string; args: string[] }> = [
  { tag: 'thp-move-8-unmap0', args: ['--workload', 'thp-move', '--param', 'thps=8', '--param', 'unmap=0', ...GT] },
  { tag: 'thp-move-8-unmap0.5', args: ['--workload', 'thp-move', '--param', 'thps=8', '--param', 'unmap=0.5', ...GT] },
  { tag: 'thp-move-8-unmap0.5-head', args: ['--workload', 'thp-move', '--param', 'thps=8', '--param', 'unmap=0.5', '--param', 'pages=head', ...GT] },
  { tag: 'thp-move-8-base', args: ['--workload', 'thp-move', '--param', 'thps=8', '--param', 'thp=0', ...GT] },
  { tag: 'mbind-move-8-unmap0.5', args: ['--workload', 'mbind-move', '--param', 'thps=8', '--param', 'unmap=0.5', ...GT] },
  { tag: 'migrate-pages-8-unmap0.5', args: ['--workload', 'migrate-pages', '--param', 'thps=8', '--param', 'unmap=0.5', ...GT] },
  { tag: 'numa-touch-1-unmap0.5', args: ['--workload', 'numa-touch', '--param', 'thps=1', '--param', 'unmap=0.5', ...GT] },
  { tag: 'numa-touch-8-secs8', args: ['--workload', 'numa-touch', '--param', 'thps=8', '--param', 'secs=8', ...GT] },
  { tag: 'numa01-256M-10', args: ['--workload', 'numa01', '--param', 'size_mib=256', '--param', 'loops=10', '--seed', '1'] },
  { tag: 'numa02-256M-10', args: ['--workload', 'numa02', '--param', 'size_mib=256', '--param', 'loops=10', '--seed', '1'] },
];

export const GOLDEN_SPECS: GoldenSpec[] = [
  ...PRESETS.flatMap((kernel) => SHAPES.map((s) => ({ name: `${kernel}.${s.tag}`, argv: ['sim', '--kernel', kernel, ...s.args, '--json'] }))),
  // Releases: the ground truth's two, and one inside 6.3..6.9 where MAP_STACK already implies VM_NOHUGEPAGE.
  ...['6.1.0-56-amd64', '6.12.117+deb13-amd64', '6.8.0-45-generic'].flatMap((kernel) =>
    SHAPES.filter((s) => /thp-move-8-unmap0\.5$|numa-touch-8|numa02/.test(s.tag)).map((s) => ({ name: `${kernel}.${s.tag}`, argv: ['sim', '--kernel', kernel, ...s.args, '--json'] })),
  ),
  // The bench's shapes (bench/sim.ts).
  ...['linux-6.1', 'linux-6.12+'].map((kernel) => ({
    name: `${kernel}.bench-numa01-2x3G-50`,
    argv: ['sim', '--kernel', kernel, '--workload', 'numa01', '--nodes', '2', '--cpus-per-node', '4', '--mem-per-node', '4G', '--seed', '1', '--json'],
  })),
  { name: 'linux-6.12+.bench-numa02-1G-800', argv: ['sim', '--kernel', 'linux-6.12+', '--workload', 'numa02', '--nodes', '2', '--cpus-per-node', '4', '--mem-per-node', '4G', '--seed', '1', '--json'] },
  // The shapes of real NUMA boxes (bench/sim.ts): base pages at 2 × 4 GiB, 4 and 8 nodes.
  {
    name: 'linux-6.12+.bench-numa01-2x4G-base',
    argv: ['sim', '--kernel', 'linux-6.12+', '--workload', 'numa01', '--param', 'thp=0', '--param', 'size_mib=4096', '--nodes', '2', '--cpus-per-node', '4', '--mem-per-node', '8G', '--seed', '1', '--json'],
  },
  ...['1', '0'].map((thp) => ({
    name: `linux-6.12+.bench-numa01-4n-16G-${thp === '1' ? 'thp' : 'base'}`,
    argv: ['sim', '--kernel', 'linux-6.12+', '--workload', 'numa01', '--param', `thp=${thp}`, '--param', 'size_mib=8192', '--nodes', '4', '--cpus-per-node', '4', '--mem-per-node', '16G', '--seed', '1', '--json'],
  })),
  {
    name: 'linux-6.12+.bench-numa02-8n-8G',
    argv: ['sim', '--kernel', 'linux-6.12+', '--workload', 'numa02', '--param', 'size_mib=8192', '--nodes', '8', '--cpus-per-node', '4', '--mem-per-node', '8G', '--seed', '1', '--json'],
  },
  {
    name: 'linux-6.12+.bench-numa01-2x1G-10-base',
    argv: ['sim', '--kernel', 'linux-6.12+', '--workload', 'numa01', '--param', 'thp=0', '--param', 'size_mib=1024', '--param', 'loops=10', '--nodes', '2', '--cpus-per-node', '4', '--mem-per-node', '4G', '--seed', '1', '--json'],
  },
];
