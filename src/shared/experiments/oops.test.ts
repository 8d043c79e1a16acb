import { describe, expect, it } from 'vitest';
import { parseOops } from './oops';

/** The console of the lab's box when the 6.12.118 build with the v5 patch hit its BUG (ORC unwinder). */
const V5_BOX_CONSOLE = [
  "[    9.410270] ------------[ cut here ]------------",
  "[    9.411502] kernel BUG at mm/migrate.c:2712!",
  "[    9.412064] Oops: invalid opcode: 0000 [#1] SMP",
  "[    9.412434] CPU: 1 UID: 0 PID: 935 Comm: thp-move Not tainted 6.12.118 #4 ",
  "[    9.412800] RIP: 0010:migrate_misplaced_folio+0x104/0x123",
  "[    9.413165] Code: 84 c0 75 1c 44 89 ef e8 f1 03 00 00 84 c0 74 10 48 63 d5 be 28 00 00 00 4c 89 f7 e8 4c 15 fc ff 48 8b 44 24 08 48 39 d8 74 02 <0f> 0b 45 85 e4 0f 84 73 ff ff ff b8 f5 ff ff ff 48 83 c4 18 5b 5d",
  "[    9.413667] RSP: 0000:ffffc90000b17d90 EFLAGS: 00000206",
  "[    9.413987] RAX: ffffea000000ffc8 RBX: ffffc90000b17d98 RCX: 0000000000000000",
  "[    9.414094] RDX: ffffc90000b17d94 RSI: 0000000000000000 RDI: 0000000000000000",
  "[    9.414094] RBP: 0000000000000000 R08: 0000000000000000 R09: 0000000000000001",
  "[    9.414094] R10: 000000000002b288 R11: 0000000000000000 R12: 0000000000000000",
  "[    9.414094] R13: 0000000000000001 R14: ffff88807fd165c0 R15: 00069c0000020858",
  "[    9.414094] FS:  000000001f1bf3c0(0000) GS:ffff88807ea00000(0000) knlGS:0000000000000000",
  "[    9.414094] CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033",
  "[    9.414094] CR2: 00007f87b0600000 CR3: 000000004037f000 CR4: 00000000000006b0",
  "[    9.414094] Call Trace:",
  "[    9.414094]  <TASK>",
  "[    9.414094]  __handle_mm_fault+0x661/0x162d",
  "[    9.414094]  handle_mm_fault+0xe1/0x176",
  "[    9.414094]  do_user_addr_fault+0x26a/0x453",
  "[    9.414094]  exc_page_fault+0xda/0xec",
  "[    9.414094]  asm_exc_page_fault+0x26/0x30",
  "[    9.414094] RIP: 0033:0x402170",
  "[    9.414094] Code: c5 66 0f 1f 84 00 00 00 00 00 48 89 ea 31 c9 48 85 db 0f 84 d2 01 00 00 66 90 48 89 d0 4c 29 e0 66 2e 0f 1f 84 00 00 00 00 00 <c6> 00 01 48 05 00 10 00 00 48 39 c2 75 f2 48 83 c1 01 48 81 c2 00",
  "[    9.414094] RSP: 002b:00007ffc49a85dc0 EFLAGS: 00000206",
  "[    9.414094] RAX: 00007f87b0600000 RBX: 0000000000000100 RCX: 0000000000000000",
  "[    9.414094] RDX: 00007f87b0700000 RSI: 00007ffc49a85da0 RDI: 0000000000000001",
  "[    9.414094] RBP: 00007f87b0700000 R08: 00007f87b0a8a080 R09: 0000000000000000",
  "[    9.414094] R10: 00000000000010ce R11: 0000000000000297 R12: 0000000000100000",
  "[    9.414094] R13: 0000000000000001 R14: 000000001f1c2d20 R15: 00007ffc49a85f30",
  "[    9.414094]  </TASK>",
  "[    9.420116] ---[ end trace 0000000000000000 ]---",
  "[    9.420307] RIP: 0010:migrate_misplaced_folio+0x104/0x123",
  "[    9.420489] Code: 84 c0 75 1c 44 89 ef e8 f1 03 00 00 84 c0 74 10 48 63 d5 be 28 00 00 00 4c 89 f7 e8 4c 15 fc ff 48 8b 44 24 08 48 39 d8 74 02 <0f> 0b 45 85 e4 0f 84 73 ff ff ff b8 f5 ff ff ff 48 83 c4 18 5b 5d",
  "[    9.420867] RSP: 0000:ffffc90000b17d90 EFLAGS: 00000206",
  "[    9.421003] RAX: ffffea000000ffc8 RBX: ffffc90000b17d98 RCX: 0000000000000000",
  "[    9.421157] RDX: ffffc90000b17d94 RSI: 0000000000000000 RDI: 0000000000000000",
  "[    9.421279] RBP: 0000000000000000 R08: 0000000000000000 R09: 0000000000000001",
  "[    9.421425] R10: 000000000002b288 R11: 0000000000000000 R12: 0000000000000000",
  "[    9.421587] R13: 0000000000000001 R14: ffff88807fd165c0 R15: 00069c0000020858",
  "[    9.421741] FS:  000000001f1bf3c0(0000) GS:ffff88807ea00000(0000) knlGS:0000000000000000",
  "[    9.421910] CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033",
  "[    9.422033] CR2: 00007f87b0600000 CR3: 000000004037f000 CR4: 00000000000006b0",
  "[    9.422420] Kernel panic - not syncing: Fatal exception",
  "[    9.423175] Kernel Offset: disabled",
].join('\n');

describe('parseOops', () => {
  it("reads the v5 kernel's BUG on the box: headline, RIP, task, the ORC call trace (user-space RIP and registers left out)", () => {
    const o = parseOops(V5_BOX_CONSOLE)!;
    expect(o.headline).toBe('kernel BUG at mm/migrate.c:2712!');
    expect(o.rip).toBe('migrate_misplaced_folio+0x104/0x123');
    expect(o.ripFunction).toBe('migrate_misplaced_folio');
    expect(o.comm).toBe('thp-move');
    expect(o.callTrace).toEqual(['__handle_mm_fault+0x661/0x162d', 'handle_mm_fault+0xe1/0x176', 'do_user_addr_fault+0x26a/0x453', 'exc_page_fault+0xda/0xec', 'asm_exc_page_fault+0x26/0x30']);
  });

  it('keeps the "? " of frames the unwinder is unsure of (the seed thread\'s report)', () => {
    const text = [
      '[  412.576943] ------------[ cut here ]------------',
      '[  412.576947] kernel BUG at mm/migrate.c:2634!',
      '[  412.577132] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI',
      '[  412.577201] CPU: 59 PID: 9581 Comm: numa01 Kdump: loaded Tainted: G            E      6.9.0-rc1+ #69',
      '[  412.578692] Call Trace:',
      '[  412.578730]  <TASK>',
      '[  412.578770]  ? die+0x33/0x90',
      '[  412.579182]  ? migrate_misplaced_folio+0x1f2/0x2b0',
      '[  412.579255]  do_numa_page+0x205/0x5b0',
      '[  412.579305]  __handle_mm_fault+0x2b0/0x6c0',
      '[  412.579309]  </TASK>',
    ].join('\n');
    const o = parseOops(text)!;
    expect(o.headline).toBe('kernel BUG at mm/migrate.c:2634!');
    expect(o.comm).toBe('numa01');
    expect(o.rip).toBeUndefined();
    expect(o.callTrace).toEqual(['? die+0x33/0x90', '? migrate_misplaced_folio+0x1f2/0x2b0', 'do_numa_page+0x205/0x5b0', '__handle_mm_fault+0x2b0/0x6c0']);
  });

  it('ignores what is not printk text (a user typing "kernel BUG at" in the terminal), and says nothing without a report', () => {
    expect(parseOops('kernel BUG at mm/migrate.c:1!\nRIP: 0010:x+0x1/0x2')).toBeUndefined();
    expect(parseOops('[    1.000000] all well\n')).toBeUndefined();
  });

  it('takes the panic line when that is all there is', () => {
    expect(parseOops('[    2.5] Kernel panic - not syncing: VFS: Unable to mount root fs')?.headline).toBe('Kernel panic - not syncing: VFS: Unable to mount root fs');
  });
});
