/**
 * A binary min-heap keyed by a number (fault times). Equal keys come out in the order of their
 * `seq` (by default the order they were pushed), so that faults due at the same instant are taken
 * in the order the scan made them prot-none, whatever else the heap holds.
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly vals: T[] = [];
  private pushed = 0;

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number {
    return this.keys.length ? this.keys[0]! : Infinity;
  }

  /** The tie-breaking sequence number of the top entry (Infinity when empty). */
  peekSeq(): number {
    return this.keys.length ? this.seqs[0]! : Infinity;
  }

  push(key: number, val: T, seq = this.pushed): void {
    this.pushed++;
    const { keys, seqs, vals } = this;
    let i = keys.length;
    keys.push(key);
    seqs.push(seq);
    vals.push(val);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! < key || (keys[parent] === key && seqs[parent]! <= seq)) break;
      keys[i] = keys[parent]!;
      seqs[i] = seqs[parent]!;
      vals[i] = vals[parent]!;
      i = parent;
    }
    keys[i] = key;
    seqs[i] = seq;
    vals[i] = val;
  }

  pop(): T | undefined {
    const { keys, seqs, vals } = this;
    if (!keys.length) return undefined;
    const top = vals[0];
    const lastK = keys.pop()!;
    const lastS = seqs.pop()!;
    const lastV = vals.pop()!;
    const n = keys.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (keys[r]! < keys[l]! || (keys[r] === keys[l] && seqs[r]! < seqs[l]!)) ? r : l;
        if (keys[c]! > lastK || (keys[c] === lastK && seqs[c]! >= lastS)) break;
        keys[i] = keys[c]!;
        seqs[i] = seqs[c]!;
        vals[i] = vals[c]!;
        i = c;
      }
      keys[i] = lastK;
      seqs[i] = lastS;
      vals[i] = lastV;
    }
    return top;
  }
}
