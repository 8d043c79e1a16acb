import { modelRefFlag } from './variantFlags';
import type { CliCommand } from './commands';
import { UsageError } from './args';
import { buildKernel, KernelBuildError } from '../kernelBuild';

/** `numa-lab kernel build`: a kernel of the user's (a tree, or Debian's source, plus patches) built to boot in the virtual NUMA box. */
export const kernelBuildCommand: CliCommand = {
  words: ['kernel', 'build'],
  usage: 'numa-lab kernel build --source <dir|debian:6.12|debian:6.1> [--patch FILE]... [--config-fragment FILE] [--variant V|FILE.json] [--force] [--json]',
  summary: "build a kernel for the virtual NUMA box (tinyconfig + the box's options + yours, out of tree, cached by its inputs) and print its bzImage and release",
  flags: [
    { name: 'source', type: 'string', valueName: 'dir|debian:6.12|debian:6.1', help: "a kernel source tree (never written), or Debian's linux-source package" },
    { name: 'patch', type: 'multi', valueName: 'FILE', help: 'a patch (-p1, git format) applied to the lab\'s copy of the tree, in the order given' },
    { name: 'config-fragment', type: 'string', valueName: 'FILE', help: "CONFIG_X=y lines merged over the box's fragment (resources/kernel/numa-box.config)" },
    { name: 'variant', type: 'string', valueName: 'variant', help: 'the model this kernel should behave like: a preset, or a variant FILE.json (a preset and behaviour switches); recorded, testbox up predicts with it' },
    { name: 'force', type: 'bool', help: 'rebuild even if the same inputs were built before' },
    { name: 'json', type: 'bool', help: 'print {bzImage, release, source, patches, configFragment, variant, key, builtAt, buildMs, objectsBuilt, cached, config, systemMap} as JSON' },
  ],
  async run({ flags, positionals, out, err }) {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (typeof flags.source !== 'string') throw new UsageError('--source is required: debian:6.12, debian:6.1, or the path of a kernel source tree');
    let lastShown = '';
    try {
      const k = await buildKernel({
        source: flags.source,
        patches: (flags.patch as string[] | undefined) ?? [],
        configFragment: typeof flags['config-fragment'] === 'string' ? flags['config-fragment'] : undefined,
        variant: modelRefFlag('variant', flags.variant),
        force: flags.force === true,
        log: (l) => err(`kernel: ${l}`),
        onProgress: (p) => {
          const line = `kernel: build: ${p.built} of ${p.estimated ? '~' : ''}${p.total} objects${p.last ? ` (${p.last})` : ''}`;
          if (line !== lastShown) err(line);
          lastShown = line;
        },
      });
      out(flags.json ? JSON.stringify(k, null, 2) : `${k.bzImage}\n${k.release}${k.cached ? ' (cached)' : ''}`);
      return 0;
    } catch (e) {
      if (e instanceof KernelBuildError) {
        err(`numa-lab kernel build: ${e.message}`);
        return e.kind === 'build-failed' || e.kind === 'source-unavailable' || e.kind === 'busy' || e.kind === 'missing-tool' ? 1 : 2;
      }
      throw e;
    }
  },
};
