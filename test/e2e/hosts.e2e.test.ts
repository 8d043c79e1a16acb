import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';

// The Hosts panel end to end: connect a host by target, see its state and privilege, get its
// terminal tab, and a hostile target answered with a clear error.
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'] | undefined;
let page: Page;

beforeAll(async () => {
  lab = await openLabInChromium('hosts', { width: 1400, height: 900 });
  ({ serve, page } = lab);
});
afterAll(async () => {
  await lab?.close();
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
    await page.screenshot({ path: join(ARTIFACTS, 'hosts-panel.png') });
  });
});
