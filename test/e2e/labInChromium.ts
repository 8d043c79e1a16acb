import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startServe } from './serveProcess';
import { repoRoot } from '../../src/main/repoRoot';

/** Where e2e tests save their screenshots (ignored by git). */
export const ARTIFACTS = join(repoRoot(), 'test', 'artifacts');

export interface LabInChromium {
  serve: Awaited<ReturnType<typeof startServe>>;
  browser: Browser;
  page: Page;
  /** Closes Chromium, stops `numa-lab serve` (waiting for it, so it restores what it holds) and removes a store it made. */
  close(): Promise<void>;
}

/**
 * The real `numa-lab serve` on a fresh store (or on `dbPath`, an existing one, which is kept), and
 * a page of Debian's Chromium (not yet navigated).
 */
export async function openLabInChromium(tag: string, viewport: { width: number; height: number }, dbPath?: string): Promise<LabInChromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = dbPath ? undefined : mkdtempSync(join(tmpdir(), `numalab-e2e-${tag}-`));
  const serve = await startServe(dbPath ?? join(dir!, 'lab.db'));
  const browser = await launchChromium().catch((e) => {
    serve.child.kill('SIGTERM');
    throw e;
  });
  const page = await browser.newPage({ viewport });
  return {
    serve,
    browser,
    page,
    async close() {
      await browser.close().catch(() => {});
      if (serve.child.exitCode === null) {
        const exited = new Promise((r) => serve.child.once('exit', r));
        serve.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
