/** Parses the kernel's cpulist format (`0-3,8,10-11`) into CPU numbers; throws on anything else. */
export function parseCpuList(text: string): number[] {
  const s = text.trim();
  if (s === '') return [];
  const cpus: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a cpulist: ${JSON.stringify(text)} (expected ranges like 0-3,8)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 65536) throw new Error(`not a cpulist range: ${part}`);
    for (let c = a; c <= b; c++) cpus.push(c);
  }
  return cpus;
}

/** The inverse: [0,1,2,3,8] → `0-3,8`. */
export function formatCpuList(cpus: number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
