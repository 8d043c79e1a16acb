import type { Db } from './store';
import type { TranscriptSink } from '../hosts/transcript';

export interface TranscriptRow {
  target: string;
  terminal: string;
  at: string;
  dir: 'in' | 'out';
  data: string;
}

/**
 * Terminal transcripts. Writes are batched (a terminal can print megabytes) and flushed every
 * 200 ms, at 256 KiB, and on flush(); redaction happens before a chunk reaches this repo.
 */
export class TranscriptsRepo {
  private pending: TranscriptRow[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  constructor(private readonly db: Db) {}

  sink(target: string): TranscriptSink {
    const terminal = `${Date.now().toString(36)}-${(this.seq++).toString(36)}`;
    return {
      write: (dir, data) => {
        this.pending.push({ target, terminal, at: new Date().toISOString(), dir, data });
        this.pendingBytes += data.length;
        if (this.pendingBytes > 256 * 1024) this.flush();
        else if (!this.timer) {
          this.timer = setTimeout(() => this.flush(), 200);
          this.timer.unref?.();
        }
      },
    };
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length || !this.db.open) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const ins = this.db.prepare('INSERT INTO host_transcripts (target, terminal, at, dir, data) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of rows) ins.run(r.target, r.terminal, r.at, r.dir, r.data);
    })();
  }

  /** All of a host's transcript, oldest first. */
  forTarget(target: string): TranscriptRow[] {
    this.flush();
    return this.db.prepare('SELECT target, terminal, at, dir, data FROM host_transcripts WHERE target = ? ORDER BY id').all(target) as TranscriptRow[];
  }
}
