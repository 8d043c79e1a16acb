/**
 * Host knobs that change what the kernel does in an experiment but that the model does not
 * model: a prediction made without them must say so, not pass in silence.
 */

/** The PMD THP size on x86-64 (HPAGE_PMD_SIZE): the one size the model has. */
const PMD_KB = 2048;
/** khugepaged sleeping longer than this between passes will not wake during an experiment (the box sets 3600000). */
const KHUGEPAGED_AWAKE_BELOW_MS = 600_000;

/**
 * Warnings for knob values (the lab's knob ids → current values) the model ignores:
 * - mTHP sizes other than the PMD size enabled (6.8+): faults may get 16–1024 kB folios, which
 *   the model does not allocate;
 * - khugepaged awake (its scan_sleep_millisecs short) with THPs on: it may collapse base pages
 *   into THPs, or scan the workload, during the run;
 * - zone_reclaim_mode set: allocations reclaim on the local node before going remote.
 */
export function unmodelledKnobWarnings(knobs: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const mthp = Object.entries(knobs)
    .map(([id, v]) => ({ m: /^mthp\.(\d+)kB\.enabled$/.exec(id), v }))
    .filter((x) => x.m && Number(x.m[1]) !== PMD_KB && x.v !== 'never' && !(x.v === 'inherit' && knobs['thp.enabled'] === 'never'));
  if (mthp.length) {
    out.push(`mTHP sizes enabled (${mthp.map((x) => `${x.m![1]}kB=${x.v}`).join(', ')}): the model has only ${PMD_KB} kB THPs, so faults that get smaller folios are not modelled`);
  }
  const sleep = Number(knobs['khugepaged.scan_sleep_millisecs']);
  if (knobs['thp.enabled'] !== undefined && knobs['thp.enabled'] !== 'never' && Number.isFinite(sleep) && sleep < KHUGEPAGED_AWAKE_BELOW_MS) {
    out.push(`khugepaged is awake (khugepaged.scan_sleep_millisecs=${sleep}): collapses it makes during the run are not modelled (set it to 3600000 to keep it asleep, as the virtual NUMA box does)`);
  }
  const zr = Number(knobs['vm.zone_reclaim_mode'] ?? 0);
  if (zr > 0) out.push(`vm.zone_reclaim_mode=${zr}: node-local reclaim before a remote allocation is not modelled`);
  return out;
}
