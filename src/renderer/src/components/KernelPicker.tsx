import type { LabResult } from '../../../shared/api/labApi';
import { DEBIAN_KERNEL_CHOICES } from '../../../shared/testbox/kernels';

type Built = LabResult<'kernel.builds'>[number];

function builtLabel(b: Built): string {
  const patches = b.patches.length ? ` + ${b.patches.map((p) => p.file.split('/').pop()).join(', ')}` : '';
  return `${b.release} built from ${b.source}${patches}${b.variant ? ` (model ${b.variant})` : ''}`;
}

/** A kernel for the box: Debian's series and suites (testbox kernels lists their releases), then the lab's own builds (build:<key>). */
export function KernelPicker({ testId, value, builds, onChange, maxWidth }: { testId: string; value: string; builds: Built[]; onChange: (kernel: string) => void; maxWidth: string }) {
  return (
    <select data-testid={testId} value={value} style={{ maxWidth }} onChange={(e) => onChange(e.target.value)}>
      {DEBIAN_KERNEL_CHOICES.map((k) => (
        <option key={k.value} value={k.value}>
          {k.label}
        </option>
      ))}
      {builds.map((b) => (
        <option key={b.key} value={`build:${b.key}`}>
          {builtLabel(b)}
        </option>
      ))}
    </select>
  );
}
