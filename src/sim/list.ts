/**
 * A circular doubly linked list with a sentinel, like include/linux/list.h. The migration code's
 * behaviour depends on list details (list_for_each_entry_safe saves `next` before the body runs,
 * which is how the posted v5 split ended its walk early), so the model keeps real list semantics.
 */
export interface ListNode {
  prev: ListNode;
  next: ListNode;
}

export class ListHead implements ListNode {
  prev: ListNode;
  next: ListNode;
  constructor(readonly name = 'list') {
    this.prev = this;
    this.next = this;
  }
}

export function listInitNode(n: ListNode): void {
  n.prev = n;
  n.next = n;
}

export function listEmpty(head: ListNode): boolean {
  return head.next === head;
}

export function listIsSingular(head: ListNode): boolean {
  return !listEmpty(head) && head.next === head.prev;
}

function insertBetween(n: ListNode, prev: ListNode, next: ListNode): void {
  next.prev = n;
  n.next = next;
  n.prev = prev;
  prev.next = n;
}

export function listAdd(n: ListNode, head: ListNode): void {
  insertBetween(n, head, head.next);
}

export function listAddTail(n: ListNode, head: ListNode): void {
  insertBetween(n, head.prev, head);
}

export function listDel(n: ListNode): void {
  n.prev.next = n.next;
  n.next.prev = n.prev;
  listInitNode(n);
}

export function listMove(n: ListNode, head: ListNode): void {
  listDel(n);
  listAdd(n, head);
}

export function listMoveTail(n: ListNode, head: ListNode): void {
  listDel(n);
  listAddTail(n, head);
}

/** list_splice_tail_init(list, head): append all of `list` before `head`, leave `list` empty. */
export function listSpliceTailInit(list: ListNode, head: ListNode): void {
  if (listEmpty(list)) return;
  const first = list.next;
  const last = list.prev;
  const at = head.prev;
  at.next = first;
  first.prev = at;
  last.next = head;
  head.prev = last;
  listInitNode(list);
}

/** list_splice_init(list, head): insert all of `list` right after `head`. */
export function listSpliceInit(list: ListNode, head: ListNode): void {
  if (listEmpty(list)) return;
  const first = list.next;
  const last = list.prev;
  const at = head.next;
  first.prev = head;
  head.next = first;
  last.next = at;
  at.prev = last;
  listInitNode(list);
}

/** list_cut_before(list, head, entry): move head's entries before `entry` onto `list`. */
export function listCutBefore(list: ListNode, head: ListNode, entry: ListNode): void {
  if (head.next === entry) {
    listInitNode(list);
    return;
  }
  list.next = head.next;
  list.next.prev = list;
  list.prev = entry.prev;
  list.prev.next = list;
  head.next = entry;
  entry.prev = head;
}

export function listLength(head: ListNode): number {
  let n = 0;
  for (let p = head.next; p !== head; p = p.next) n++;
  return n;
}

/**
 * list_for_each_entry_safe(pos, n, head): `next` is saved before `body` runs, so the body may
 * remove `pos`; entries added after the saved `next` are visited, and if `next` was the head
 * the walk ends whatever the body appended.
 */
export function listForEachSafe<T extends ListNode>(head: ListNode, body: (pos: T) => void | 'break'): void {
  let pos = head.next;
  let n = pos.next;
  while (pos !== head) {
    if (body(pos as T) === 'break') return;
    pos = n;
    n = pos.next;
  }
}

export function listToArray<T extends ListNode>(head: ListNode): T[] {
  const out: T[] = [];
  for (let p = head.next; p !== head; p = p.next) out.push(p as T);
  return out;
}
