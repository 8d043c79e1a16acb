import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openLabInChromium, type LabInChromium } from './labInChromium';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles } from '../support/knobGuard';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { removeSshd, startSshd, type Sshd } from '../integration/sshd';

// State that stays true (issue 17), end to end in Chromium against the real `numa-lab serve`:
// host facts follow knob events, views keep their state across switches and live in the URL,
// the Hosts view opens the current host's terminal, and a host that dies (a real sshd killed) is
// shown offline while the app falls back to local.
const DEFRAG = '/sys/kernel/mm/transparent_hugepage/defrag';
let lab: LabInChromium | undefined;
let serve: LabInChromium['serve'];
let page: Page;
let sshd: Sshd | undefined;
let origin = '';
const home = mkdtempSync(join(tmpdir(), 'numalab-e2e-state-home-'));
const saved = { ssh: process.env.NUMA_LAB_SSH_CONFIG, home: process.env.NUMA_LAB_HOME };

beforeAll(async () => {
  // The served lab reaches this sshd through the test's ssh_config (it inherits the environment).
  sshd = await startSshd();
  process.env.NUMA_LAB_SSH_CONFIG = sshd.clientConfig;
  process.env.NUMA_LAB_HOME = home;
  lab = await openLabInChromium('state', { width: 1280, height: 720 });
  ({ serve, page } = lab);
  // The token URL trades the token for a cookie; from then on plain `/#/…` links open the lab.
  await page.goto(serve.url);
  origin = new URL(serve.url).origin;
});

afterAll(async () => {
  await page?.screenshot({ path: join(ARTIFACTS, 'state-last.png') }).catch(() => {});
  await lab?.close();
  if (sshd) await removeSshd(sshd);
  if (saved.ssh === undefined) delete process.env.NUMA_LAB_SSH_CONFIG;
  else process.env.NUMA_LAB_SSH_CONFIG = saved.ssh;
  if (saved.home === undefined) delete process.env.NUMA_LAB_HOME;
  else process.env.NUMA_LAB_HOME = saved.home;
  rmSync(home, { recursive: true, force: true });
});

/**
 * A LabApi call over the served lab's WebSocket, as a second client of the same lab (another
 * window, a script); `events` collects what the lab broadcast until the answer came.
 */
async function labCall(method: string, params: unknown, events: Array<{ event: string; payload: any }> = []): Promise<any> {
  const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api?token=${serve.token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    return await new Promise((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.id === 1) resolve(m);
        else if (typeof m.event === 'string') events.push(m);
      });
      ws.send(JSON.stringify({ id: 1, method, params }));
    });
  } finally {
    ws.close();
  }
}

const selectedTab = () => page.locator('.topbar [role=tab][aria-selected=true]').textContent();
const defragOnSys = () => parseSysfsChoice(readFileSync(DEFRAG, 'utf8'))?.selected;

describe('state that stays true', () => {
  it('the Host view follows a knob changed elsewhere, without a reload', async () => {
    // This writes the machine's THP defrag: held under the knob lock (another test file may hold it
    // for minutes, hence this test's timeout) and put back from a snapshot whatever happens. Taken
    // first, so what the Host view reads below is not changed by another test meanwhile.
    const unlock = await lockMachineKnobs();
    const snap = snapshotKnobFiles();
    try {
      await page.goto(`${origin}/#/hosts`);
      // Something typed in another view: it must survive (no reload, views kept mounted).
      await page.getByTestId('hosts-add-target').fill('ssh://kept@example.invalid');
      // Showing the Host view again reads the host afresh.
      await page.getByTestId('tab-host').click();
      const fact = page.getByTestId('fact-thp-defrag');
      const before = defragOnSys()!;
      await expect.poll(() => fact.textContent(), { timeout: 20000 }).toBe(before);

      const next = before === 'defer' ? 'madvise' : 'defer';
      const set = await labCall('knobs.set', { target: 'local', values: { 'thp.defrag': next } });
      expect(set.ok).toBe(true);
      expect(defragOnSys()).toBe(next);
      await expect.poll(() => fact.textContent(), { timeout: 10000 }).toBe(next);
      const restored = await labCall('knobs.restore', { target: 'local' });
      expect(restored.ok).toBe(true);
      await expect.poll(() => fact.textContent(), { timeout: 10000 }).toBe(before);
    } finally {
      restoreKnobFiles(snap);
      unlock();
    }
    await page.getByTestId('tab-hosts').click();
    expect(await page.getByTestId('hosts-add-target').inputValue()).toBe('ssh://kept@example.invalid');
  }, 300_000);

  it('each view has its URL: back/forward switch views, a reload lands on the view in the link', async () => {
    await page.getByTestId('tab-simulator').click({ timeout: 10000 });
    await expect.poll(() => new URL(page.url()).hash).toBe('#/simulator');
    await page.getByTestId('tab-knobs').click({ timeout: 10000 });
    await expect.poll(() => new URL(page.url()).hash).toBe('#/knobs');
    await page.goBack({ timeout: 10000 });
    await expect.poll(selectedTab).toBe('Simulator');
    await page.goForward({ timeout: 10000 });
    await expect.poll(selectedTab).toBe('Knobs');

    await page.goto(`${origin}/#/simulator`);
    await page.reload({ timeout: 15000 });
    await expect.poll(selectedTab).toBe('Simulator');
    // No view (or one this build does not know) opens the Host view.
    await page.goto(`${origin}/#/no-such-view`);
    await expect.poll(selectedTab).toBe('Host');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/host');
  }, 60_000);

  it('the Hosts view shows the current host with its terminal open, without a click', async () => {
    await page.goto(`${origin}/#/hosts`);
    await page.reload({ timeout: 15000 });
    await expect.poll(() => page.getByTestId('host-tab-local').getAttribute('aria-selected'), { timeout: 15000 }).toBe('true');
    await expect.poll(() => page.getByTestId('host-local').getByTestId('host-state').textContent(), { timeout: 15000 }).toBe('ready');
    const term = page.locator('.host-terminal').filter({ has: page.getByTestId('terminal') });
    await expect.poll(() => term.isVisible(), { timeout: 15000 }).toBe(true);
    // The pane took the focus when it opened: typing reaches the shell.
    await term.locator('.xterm-rows').filter({ hasText: /\S/ }).waitFor({ timeout: 15000 });
    await page.keyboard.type('echo open-$((40+2))\n');
    await expect.poll(() => term.textContent(), { timeout: 10000 }).toContain('open-42');
  }, 60_000);

  it('disconnecting the current host ends its session with a `closed` event; the app stays on it', async () => {
    await page.goto(`${origin}/#/hosts`);
    await expect.poll(() => page.getByTestId('host-local').getByTestId('host-state').textContent(), { timeout: 15000 }).toBe('ready');
    const events: Array<{ event: string; payload: any }> = [];
    expect((await labCall('hosts.disconnect', { target: 'local' }, events)).ok).toBe(true);
    expect(events.filter((e) => e.event === 'hosts.state' && e.payload.target === 'local').map((e) => e.payload.state)).toEqual(['closed']);
    await expect.poll(() => page.getByTestId('host-local').count(), { timeout: 10000 }).toBe(0);
    // A host the user let go of is not a dead one: no notice, no switch.
    await page.getByTestId('tab-host').click();
    await expect.poll(() => page.getByTestId('fact-target').textContent(), { timeout: 15000 }).toBe('local');
    expect(await page.getByTestId('offline-notice').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
  }, 60_000);

  it('a box that is not running is offline, in the app\'s own words', async () => {
    await page.goto(`${origin}/#/host?host=testbox%3Ae2e-gone`);
    await page.getByTestId('offline-notice').waitFor({ timeout: 20000 });
    expect(await page.getByTestId('offline-headline').textContent()).toBe('testbox:e2e-gone is offline (powered off) — switched to local');
    await expect.poll(() => page.getByTestId('fact-target').textContent(), { timeout: 20000 }).toBe('local');
    expect(new URL(page.url()).hash).toBe('#/host');
    // Connecting it from the Hosts view names what to do here and on the command line.
    await page.getByTestId('tab-hosts').click();
    await page.getByTestId('hosts-add-target').fill('testbox:e2e-gone');
    await page.getByTestId('hosts-connect').click();
    const err = page.getByTestId('hosts-error');
    await expect.poll(() => err.textContent(), { timeout: 15000 }).toMatch(/the box e2e-gone is not running.*boot it in the NUMA box view or with `numa-lab testbox up/);
    expect(await err.textContent()).not.toMatch(/start one with testbox up/);
  }, 60_000);

  it('an ssh host that dies is shown offline with the reason, and the app falls back to local', async () => {
    const target = `ssh://root@127.0.0.1:${sshd!.port}`;
    await page.goto(`${origin}/#/experiments?host=${encodeURIComponent(target)}`);
    await page.getByTestId('tab-host').click();
    await expect.poll(() => page.getByTestId('fact-target').textContent(), { timeout: 30000 }).toBe(target);
    expect(await page.getByTestId('fact-kernel').textContent()).toBe(release());
    // The last test's notice was about another host: opening this one put it away.
    expect(await page.getByTestId('offline-notice').count()).toBe(0);
    // The view switch kept the host in the URL: a link to this view reopens the same host.
    expect(new URL(page.url()).hash).toBe(`#/host?host=${encodeURIComponent(target)}`);

    sshd!.kill();
    const notice = page.getByTestId('offline-notice');
    await notice.waitFor({ timeout: 20000 });
    expect(await page.getByTestId('offline-headline').textContent()).toBe(`${target} is offline (connection lost) — switched to local`);
    expect(await page.getByTestId('offline-detail').textContent()).not.toBe('');
    await expect.poll(() => page.getByTestId('fact-target').textContent(), { timeout: 20000 }).toBe('local');
    expect(new URL(page.url()).hash).toBe('#/host');
    expect(await page.getByTestId('target-input').inputValue()).toBe('local');
    await page.screenshot({ path: join(ARTIFACTS, 'state.png') });

    // Once the host is back, the notice's button makes it the current host again.
    await sshd!.stop();
    await sshd!.start();
    await page.getByTestId('offline-retry').click();
    await expect.poll(() => page.getByTestId('fact-target').textContent(), { timeout: 30000 }).toBe(target);
    expect(await page.getByTestId('offline-notice').count()).toBe(0);
  }, 90_000);
});
