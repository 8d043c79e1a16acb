/** `--mem-per-node 1G`, `512M`, `1536` (MiB) → MiB. Whole MiB only: QEMU's backends want them. */
export function parseMemSizeMiB(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([MG]i?B?)?$/i.exec(s.trim());
  if (!m) throw new Error(`memory size ${JSON.stringify(s)}: use a number of MiB or a size such as 512M or 1G`);
  const n = Number(m[1]) * (m[2] && /^g/i.test(m[2]) ? 1024 : 1);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`memory size ${JSON.stringify(s)} is not a whole number of MiB`);
  return n;
}
