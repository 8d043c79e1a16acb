import { parseKmsgRecord, type KernelLogRecord } from './kernelLog';

/**
 * Parses the sampler's output stream (see src/main/telemetry/samplerScript.ts) into frames.
 *
 *   @I <key> <value>        information about the sampler (shell, clock, kmsg reader)
 *   @T <seq> n<ns>|c<cs>    a frame begins, stamped with the host's monotonic clock
 *                           (n: CLOCK_MONOTONIC ns from /proc/timer_list, c: /proc/uptime centiseconds)
 *   <name> <integer>        one value (vmstat lines as the kernel prints them; prefixed names for
 *                           numastat.node<N>.*, meminfo.node<N>.*, mthp.<size>kB.*)
 *   @E <seq>                the frame is complete
 *   @K <kmsg record>        one /dev/kmsg record, anywhere (a second writer shares the stream)
 *
 * Tolerant by design: an unknown marker or a malformed line is counted, a few are kept as
 * examples, and it is skipped; a frame cut short by the next @T is dropped whole (a partial
 * vmstat would look like counters vanishing) and counted.
 */

export interface Frame {
  seq: number;
  /** Host monotonic clock, seconds. */
  t: number;
  values: Map<string, number>;
}

export interface ParseStats {
  frames: number;
  lines: number;
  malformedLines: number;
  unknownMarkers: number;
  truncatedFrames: number;
  kernelLogRecords: number;
  /** The first few skipped lines, for the run's report. */
  examples: string[];
}

export interface ParserSink {
  frame?(f: Frame): void;
  kernelLog?(r: KernelLogRecord): void;
  info?(key: string, value: string): void;
}

const NAME = /^[A-Za-z0-9_.-]{1,200}$/;
const INT = /^-?\d{1,20}$/;
const MAX_LINE = 64 * 1024;
const MAX_EXAMPLES = 8;

export class FrameParser {
  readonly stats: ParseStats = { frames: 0, lines: 0, malformedLines: 0, unknownMarkers: 0, truncatedFrames: 0, kernelLogRecords: 0, examples: [] };
  private partial = '';
  private open: Frame | undefined;

  constructor(private readonly sink: ParserSink) {}

  /** Feed decoded text; complete lines are parsed now, a trailing partial line waits for more. */
  push(text: string): void {
    let data = this.partial + text;
    let start = 0;
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      this.line(data.slice(start, nl));
      start = nl + 1;
    }
    data = data.slice(start);
    if (data.length > MAX_LINE) {
      this.skip(data.slice(0, 120), 'malformed');
      data = '';
    }
    this.partial = data;
  }

  /** End of stream: a frame still open is incomplete and dropped. */
  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    if (this.open) {
      this.stats.truncatedFrames++;
      this.open = undefined;
    }
  }

  private skip(line: string, kind: 'malformed' | 'marker'): void {
    if (kind === 'malformed') this.stats.malformedLines++;
    else this.stats.unknownMarkers++;
    if (this.stats.examples.length < MAX_EXAMPLES) this.stats.examples.push(line.length > 120 ? `${line.slice(0, 120)}…` : line);
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) return;
    this.stats.lines++;
    if (line.charCodeAt(0) === 64 /* @ */) return this.marker(line);
    const sp = line.indexOf(' ');
    const name = sp < 0 ? '' : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1).trim();
    if (!this.open || !NAME.test(name) || !INT.test(value)) return this.skip(line, 'malformed');
    const v = Number(value);
    if (!Number.isSafeInteger(v)) return this.skip(line, 'malformed');
    this.open.values.set(name, v);
  }

  private marker(line: string): void {
    const tag = line.slice(0, 3);
    const rest = line.slice(3);
    switch (tag) {
      case '@T ': {
        const m = /^(\d+) ([nc])(\d+)$/.exec(rest);
        if (!m) return this.skip(line, 'malformed');
        if (this.open) this.stats.truncatedFrames++;
        const t = m[2] === 'n' ? Number(m[3]) / 1e9 : Number(m[3]) / 100;
        this.open = { seq: Number(m[1]), t, values: new Map() };
        return;
      }
      case '@E ': {
        const f = this.open;
        if (!f || String(f.seq) !== rest.trim()) return this.skip(line, 'malformed');
        this.open = undefined;
        this.stats.frames++;
        this.sink.frame?.(f);
        return;
      }
      case '@K ': {
        const r = parseKmsgRecord(rest);
        if (!r) return this.skip(line, 'malformed');
        this.stats.kernelLogRecords++;
        this.sink.kernelLog?.(r);
        return;
      }
      case '@I ':
      case '@X ': {
        const sp = rest.indexOf(' ');
        const key = sp < 0 ? rest : rest.slice(0, sp);
        this.sink.info?.(tag === '@X ' ? `error.${key}` : key, sp < 0 ? '' : rest.slice(sp + 1));
        return;
      }
      default:
        return this.skip(line, 'marker');
    }
  }
}
