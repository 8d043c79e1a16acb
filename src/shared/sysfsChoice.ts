/**
 * The kernel prints a sysfs choice knob as every allowed value with the current one in brackets,
 * e.g. `always [madvise] never`. This reads that form.
 */
export interface SysfsChoice {
  selected: string;
  allowed: string[];
}

export function parseSysfsChoice(text: string): SysfsChoice | undefined {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  let selected: string | undefined;
  const allowed = words.map((w) => {
    const m = /^\[(.+)\]$/.exec(w);
    if (m) selected = m[1];
    return m ? m[1] : w;
  });
  if (selected === undefined) return undefined;
  return { selected, allowed };
}
