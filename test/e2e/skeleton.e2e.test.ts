import { release } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';

// The walking skeleton end to end: the real CLI serves the built UI, real Chromium opens it,
// LabApi runs over the WebSocket, and the terminal pane is a real pty on this machine.
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let browser: Browser;
let page: Page;
const consoleLines: string[] = [];

beforeAll(async () => {
  lab = await openLabInChromium('skeleton', { width: 1400, height: 860 });
  ({ serve, browser, page } = lab);
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  // A violation the page's own code caught (zod's eval probe) reaches no console: report each one.
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + (e.sourceFile || '') + ':' + e.lineNumber))" });
});
afterAll(async () => {
  await page?.screenshot({ path: join(ARTIFACTS, 'skeleton.png') }).catch(() => {});
  await lab?.close();
});

describe('the lab in Chromium (headless mode)', () => {
  it('shows the local host facts read through LabApi', async () => {
    await page.goto(serve.url);
    await page.getByTestId('host-facts').waitFor({ timeout: 20000 });
    expect(await page.getByTestId('fact-kernel').textContent()).toBe(release());
    expect(await page.getByTestId('fact-target').textContent()).toBe('local');
    expect(await page.getByTestId('node-0').count()).toBe(1);
    expect(await page.getByTestId('fact-thp').textContent()).toMatch(/^(always|madvise|never)/);
    // Every reply was parsed by zod without its eval probe: the CSP (no 'unsafe-eval') reported nothing.
    expect(consoleLines.filter((l) => /Content Security Policy|unsafe-eval|EvalError/i.test(l))).toEqual([]);
  });

  it('runs what is typed into the terminal pane on a real shell', async () => {
    const term = page.getByTestId('terminal');
    await term.click();
    // Locators, not page functions: the page's CSP forbids eval, and this file has no DOM lib.
    await page.locator('.xterm-rows').filter({ hasText: /\S/ }).waitFor({ timeout: 15000 });
    await page.keyboard.type('echo $((6*7))');
    await page.keyboard.press('Enter');
    await page.locator('.xterm-rows > div', { hasText: /^\s*42\s*$/ }).first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(ARTIFACTS, 'skeleton.png') });
    const rows = await page.locator('.xterm-rows > div').allTextContents();
    expect(rows.map((r) => r.trim())).toContain('42');
    // The lab's own probe ran on a separate channel: none of its markers reached the pane.
    expect(rows.join('\n')).not.toMatch(/@release|\x1e|numalab-ch/);
  });

  it('refuses the same page and API without the token', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    const r = await p.goto(`http://127.0.0.1:${serve.port}/`);
    expect(r!.status()).toBe(401);
    const wsStatus = await fetch(`http://127.0.0.1:${serve.port}/api`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).then(
      (x) => x.status,
      () => -1,
    );
    expect([401, -1]).toContain(wsStatus);
    await other.close();
  });
});
