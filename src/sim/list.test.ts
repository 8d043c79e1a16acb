import { describe, expect, it } from 'vitest';
import { ListHead, listAddTail, listCutBefore, listForEachSafe, listLength, listMoveTail, listToArray } from './list';
import type { ListNode } from './list';

class Item implements ListNode {
  prev: ListNode = this;
  next: ListNode = this;
  constructor(readonly v: number) {}
}

describe('list (include/linux/list.h semantics)', () => {
  it('list_for_each_entry_safe ends early when the last entry appends to the list (the v5 bug shape)', () => {
    const from = new ListHead();
    const a = new Item(1);
    listAddTail(a, from);
    const seen: number[] = [];
    listForEachSafe<Item>(from, (pos) => {
      seen.push(pos.v);
      if (pos.v === 1) {
        // split: tails appended, head moved to the tail
        for (let i = 2; i <= 4; i++) listAddTail(new Item(i), from);
        listMoveTail(pos, from);
      }
    });
    expect(seen).toEqual([1]);
    expect(listLength(from)).toBe(4);
  });

  it('the walk continues over appended entries when the split entry was not last', () => {
    const from = new ListHead();
    listAddTail(new Item(1), from);
    listAddTail(new Item(9), from);
    const seen: number[] = [];
    listForEachSafe<Item>(from, (pos) => {
      seen.push(pos.v);
      if (pos.v === 1) {
        listAddTail(new Item(2), from);
        listMoveTail(pos, from);
      }
    });
    expect(seen).toEqual([1, 9, 2, 1]);
  });

  it('list_cut_before moves the entries before `entry`', () => {
    const head = new ListHead();
    const items = [1, 2, 3].map((v) => new Item(v));
    items.forEach((i) => listAddTail(i, head));
    const cut = new ListHead();
    listCutBefore(cut, head, items[2]!);
    expect(listToArray<Item>(cut).map((i) => i.v)).toEqual([1, 2]);
    expect(listToArray<Item>(head).map((i) => i.v)).toEqual([3]);
  });
});
