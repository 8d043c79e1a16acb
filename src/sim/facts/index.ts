/**
 * The image facts a kernel variant uses (by its base preset): those traced on its kernel, or, for a variant never
 * traced, those of the nearest traced kernel (said in `tracedOn`).
 */
import type { PresetName } from '../../shared/sim/behaviours';
import { NUMA01_LINUX_6_1 } from './numa01.linux-6.1';
import { NUMA01_LINUX_6_12 } from './numa01.linux-6.12';
import { THP_MOVE_LINUX_6_1 } from './thp-move.linux-6.1';
import { THP_MOVE_LINUX_6_12 } from './thp-move.linux-6.12';
import type { ExecImageFacts, ForkedChildFacts } from './types';

export type { ExecImageFacts, Fact, ForkedChildFacts, PageCounts } from './types';

export interface ImageFacts {
  exec: ExecImageFacts;
  forked: ForkedChildFacts;
  /** The kernel the facts were traced on; differs from the variant's when it was never traced. */
  tracedOn: 'linux-6.1' | 'linux-6.12+';
}

const BY_KERNEL: Record<ImageFacts['tracedOn'], Omit<ImageFacts, 'tracedOn'>> = {
  'linux-6.1': { exec: THP_MOVE_LINUX_6_1, forked: NUMA01_LINUX_6_1 },
  'linux-6.12+': { exec: THP_MOVE_LINUX_6_12, forked: NUMA01_LINUX_6_12 },
};

/**
 * 6.12's extra VMA is not known on 6.3–6.11 (untested), so those variants and v5 keep 6.1's
 * layout until a box traces them.
 */
const TRACED_ON: Record<PresetName, ImageFacts['tracedOn']> = {
  'linux-6.1': 'linux-6.1',
  'linux-6.3..6.9': 'linux-6.1',
  'v5-posted': 'linux-6.1',
  'linux-6.10..6.11': 'linux-6.1',
  'linux-6.12+': 'linux-6.12+',
};

export function imageFacts(preset: PresetName): ImageFacts {
  const tracedOn = TRACED_ON[preset];
  return { ...BY_KERNEL[tracedOn], tracedOn };
}
