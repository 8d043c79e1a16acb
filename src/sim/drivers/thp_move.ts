/**
 * thp-move (move_pages(2)), mbind-move (mbind(MPOL_BIND, MPOL_MF_MOVE)) and migrate-pages
 * (migrate_pages(2)): the region set-up on node `from`, then one migration call to node `to`.
 */
import { Mm } from '../mm';
import { deferredSplitScan } from '../huge_memory';
import { doPagesMove, queuePagesAndMigrate, summariseStatus } from '../move_pages';
import type { DriverCtx } from './context';
import { cpusOfNode } from './context';
import { setupDurationMs, setupRegions } from './region_setup';

export function runThpMove(ctx: DriverCtx, workload: 'thp-move' | 'mbind-move' | 'migrate-pages'): void {
  const { k, params } = ctx;
  const from = Number(params.from);
  const to = Number(params.to);
  cpusOfNode(k, from); // the process is pinned to a CPU of `from`
  const mm = new Mm(1);
  ctx.mms.push(mm);
  ctx.phase('setup');
  const regions = setupRegions(k, mm, from, params, ctx.opts);
  if (k.knobs.shrinkAfterSetup) deferredSplitScan(k);
  k.now += setupDurationMs(k, regions.thps);
  ctx.sampler.advanceTo(k.now);
  if (Number(params.migrate ?? 1) !== 1) return;
  ctx.phase('migrate');
  if (workload === 'thp-move') {
    const addrs = params.pages === 'head' ? regions.headVpns() : regions.mappedVpns();
    const o = doPagesMove(k, mm, addrs, to, from);
    ctx.movePages = { ret: o.ret, errno: o.errno, addresses: addrs.length, status: summariseStatus(o) };
  } else if (workload === 'mbind-move') {
    queuePagesAndMigrate(k, mm, to, null, 'MR_MEMPOLICY_MBIND', from);
  } else {
    queuePagesAndMigrate(k, mm, to, from, 'MR_SYSCALL', from);
  }
  k.now += 1 + regions.thps * 0.05;
  ctx.sampler.advanceTo(k.now);
}
