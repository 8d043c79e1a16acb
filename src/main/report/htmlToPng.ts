import { existsSync } from 'node:fs';
import { LabApiError } from '../../shared/api/labApi';

/**
 * A self-contained HTML page (the compare report) as a PNG, full page, rendered by headless
 * Chromium — the same browser the lab's own tests run — through playwright-core. One renderer
 * for the CLI (`compare --format png`) and the app (experiments.comparePng): the same picture.
 */

/** Debian's Chromium, or CHROMIUM_PATH. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** What a user reads when there is no browser to render with: what is missing, how to get it, what works without it. */
export function noChromiumMessage(path: string, why?: string): string {
  return (
    `rendering a PNG needs Chromium, and there is none at ${path}${why ? ` (${why})` : ''}; ` +
    'install it with: sudo apt-get install chromium (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary. ' +
    '--format html writes the same report without it'
  );
}

// The launch the e2e tests use (test/e2e/chromium.ts): no sandbox (root in CI), no GPU, and no
// background fetches on a closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function htmlToPng(html: string, opts: { width?: number } = {}): Promise<Buffer> {
  const path = chromiumPath();
  if (!existsSync(path)) throw new LabApiError(noChromiumMessage(path), 'unsupported');
  // Loaded on demand: every other command starts without it.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath: path, headless: true, args: ARGS, timeout: 60000 });
  } catch (e) {
    throw new LabApiError(noChromiumMessage(path, `it did not start: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`), 'unsupported');
  }
  try {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: 800 }, deviceScaleFactor: 1 });
    // No network: the report has no external resources, and a page that tried would wait for nothing.
    await page.route('**/*', (r) => r.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.screenshot({ type: 'png', fullPage: true });
  } finally {
    await browser.close().catch(() => {});
  }
}
