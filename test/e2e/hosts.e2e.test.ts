import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startServe } from './serveProcess';
import { repoRoot } from '../../src/main/repoRoot';

// The Hosts panel end to end: connect a host by target, see its state and privilege, get its
// terminal tab, and a hostile target answered with a clear error.
const dir = mkdtempSync(join(tmpdir(), 'numalab-hosts-e2e-'));
const artifacts = join(repoRoot(), 'test', 'artifacts');
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  serve = await startServe(join(dir, 'lab.db'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  if (serve && serve.child.exitCode === null) {
    const exited = new Promise((r) => serve!.child.once('exit', r));
    serve.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the Hosts panel in Chromium', () => {
  it('connects local: state ready, privilege root, a terminal tab; a hostile target is refused', async () => {
    await page.goto(serve!.url);
    await page.getByTestId('tab-hosts').click();
    await page.getByTestId('hosts-add-target').fill('local');
    await page.getByTestId('hosts-connect').click();
    const row = page.getByTestId('host-local');
    await expect.poll(() => row.getByTestId('host-state').textContent(), { timeout: 15000 }).toBe('ready');
    expect(await row.getByTestId('host-privilege').textContent()).toContain('root');
    await expect.poll(() => page.getByTestId('host-tab-local').count()).toBe(1);
    // The host's terminal tab runs a real shell: type into it and see the answer.
    await page.getByTestId('terminal').last().click();
    await page.keyboard.type('echo tab-$((20+22))\n');
    await expect.poll(() => page.getByTestId('terminal').last().textContent(), { timeout: 10000 }).toContain('tab-42');
    await page.getByTestId('hosts-add-target').fill('ssh://root@$(touch /tmp/pwned)');
    await page.getByTestId('hosts-connect').click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 10000 }).toMatch(/is not valid/);
    await page.screenshot({ path: join(artifacts, 'hosts-panel.png') });
  });
});
