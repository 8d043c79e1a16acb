/**
 * What a kernel developer reads first in an oops, taken out of the console text: the BUG or
 * oops line, the faulting function (RIP), the task, and the call trace. Pure: the main process
 * fills a crashed repetition with it, the renderer shows it, tests pin it on real console text.
 */
export interface OopsSummary {
  /** "kernel BUG at mm/migrate.c:2722!", "BUG: unable to handle page fault for address: …", "Oops: general protection fault …", or the panic line. */
  headline: string;
  /** The RIP line's symbol, e.g. migrate_misplaced_folio+0x1f2/0x2b0 (undefined without KALLSYMS or a RIP line). */
  rip?: string;
  /** Its function: migrate_misplaced_folio. */
  ripFunction?: string;
  /** "numa-touch" from "CPU: 1 PID: 93 Comm: numa-touch …". */
  comm?: string;
  /** The frames between "Call Trace:" and its end, innermost first, as printed ("? " marks a frame the unwinder is unsure of). */
  callTrace: string[];
}

/** `[   12.345678] ` that printk puts before each line (CONFIG_PRINTK_TIME): only such lines are the kernel's. */
export const PRINTK_PREFIX = /^(?:<\d>)?\[\s*\d+\.\d+\]\s?/;
const HEADLINES: RegExp[] = [/kernel BUG at [^!]+!/, /^BUG: .*/, /^WARNING: .*/, /^Oops: .*/, /general protection fault.*/, /^Kernel panic - not syncing: .*/];
const FRAME = /^(\? )?[\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[\w+\])?$/;

export function parseOops(text: string): OopsSummary | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r/g, '')).filter((l) => PRINTK_PREFIX.test(l)).map((l) => l.replace(PRINTK_PREFIX, '').trimEnd());
  let headline: string | undefined;
  for (const re of HEADLINES) {
    const hit = lines.map((l) => re.exec(l)?.[0]).find((x) => x !== undefined);
    if (hit) {
      headline = hit.trim();
      break;
    }
  }
  if (!headline) return undefined;
  const ripLine = lines.find((l) => /^RIP: /.test(l));
  const rip = ripLine ? /^RIP: [0-9a-f]+:(\S+)/.exec(ripLine)?.[1] : undefined;
  const ripFunction = rip && /^[\w.$]+\+0x/.test(rip) ? rip.slice(0, rip.indexOf('+')) : undefined;
  const comm = lines.map((l) => /\bComm: (\S+)/.exec(l)?.[1]).find((x) => x !== undefined);
  const callTrace: string[] = [];
  const start = lines.findIndex((l) => /^Call Trace:/.test(l.trim()));
  if (start >= 0) {
    for (const l of lines.slice(start + 1)) {
      const f = l.trim();
      if (f === '<TASK>' || f === '<IRQ>' || f === '</IRQ>') continue;
      if (!FRAME.test(f)) break;
      callTrace.push(f);
    }
  }
  return { headline, ...(rip ? { rip } : {}), ...(ripFunction ? { ripFunction } : {}), ...(comm ? { comm } : {}), callTrace };
}
