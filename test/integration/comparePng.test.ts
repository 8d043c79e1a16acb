import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node-pty';
import { numaLab } from '../support/numaLabCli';
import { countColor, decodePng, PNG_SIGNATURE } from '../support/decodePng';
import { repoRoot } from '../../src/main/repoRoot';
import { A_COLOR, B_COLOR } from '../../src/shared/experiments/reportCharts';

// `numa-lab compare A B --format png > report.png`: two real experiments (a custom command on
// this host, through the real CLI, on a temp store), their report rendered by Debian's Chromium.
// stdout is read as bytes: a newline or a text decoding added to the PNG would break it.

const cli = join(repoRoot(), 'bin', 'numa-lab.mjs');
const dir = mkdtempSync(join(tmpdir(), 'numalab-comparepng-'));
const db = join(dir, 'lab.db');

function numaLabBytes(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'buffer', env, timeout: 120000, maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString('utf8') }),
    );
  });
}

let ids: [string, string];

beforeAll(async () => {
  const made: string[] = [];
  // A and B differ by one parameter: how much the command pushes through a pipe.
  for (const bytes of ['4000000', '16000000']) {
    const r = await numaLab('run', 'local', '--workload', 'custom', '--param', `cmd=head -c ${bytes} /dev/zero | wc -c`, '--baseline', '0', '--cooldown', '0', '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    made.push(String(JSON.parse(r.stdout).experimentId));
  }
  ids = made as [string, string];
}, 180000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('numa-lab compare --format png', () => {
  it('writes a valid PNG of the report, and the report it was rendered from has the spec, the charts and the table', async () => {
    const r = await numaLabBytes(['compare', ...ids, '--format', 'png', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const png = r.stdout;
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR first, with the full page's size: as wide as the render's viewport, taller than one screen.
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(1200);
    expect(height).toBeGreaterThan(800);
    expect(height).toBeLessThan(20000);
    expect(png.length).toBeGreaterThan(20000);
    // Nothing after IEND (no newline added by the CLI's text output).
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');

    // The picture has the charts' colours in it: A's and B's bars and lines were drawn.
    const decoded = decodePng(png);
    expect(decoded.width).toBe(width);
    expect(countColor(decoded, A_COLOR)).toBeGreaterThan(500);
    expect(countColor(decoded, B_COLOR)).toBeGreaterThan(500);

    // The same report as HTML (what the PNG is a picture of).
    const h = await numaLab('compare', ...ids, '--format', 'html', '--db', db);
    expect(h.code, h.stderr).toBe(0);
    const html = h.stdout;
    // The header: both specs, the differing parameter marked.
    expect(html).toMatch(/<table class="spec"/);
    expect(html).toMatch(/<tr class="differs"><th>param cmd<\/th><td>head -c 4000000 \/dev\/zero \| wc -c<\/td><td>head -c 16000000/);
    expect(html).toMatch(/<tr class=""><th>workload<\/th><td>custom<\/td><td>custom<\/td>/);
    // The charts: a bar chart per phase (run, total) and the time series of the first repetitions.
    const phases = [...html.matchAll(/<svg [^>]*class="phase-bars" data-phase="([^"]+)"/g)].map((m) => m[1]);
    expect(phases).toEqual(['run', 'total']);
    const series = [...html.matchAll(/<svg [^>]*class="series-chart" data-counter="([^"]+)"/g)].map((m) => m[1]);
    expect(series.length).toBeGreaterThan(0);
    // Each time-series chart has both sides' curves, each with more than one point.
    for (const m of html.matchAll(/<svg [^>]*class="series-chart"[^]*?<\/svg>/g)) {
      expect(m[0]).toMatch(/class="series-a" d="M[\d.]+,[\d.]+L/);
      expect(m[0]).toMatch(/class="series-b" d="M[\d.]+,[\d.]+L/);
    }
    // The table, with a row per phase and counter.
    expect(html).toMatch(/<table class="deltas">/);
    expect([...html.matchAll(/<tr class="[^"]*"><td>(run|total)<\/td><td>[a-z_]+<\/td>/g)].length).toBeGreaterThan(1);
  }, 120000);

  it('writes the same picture to --output FILE', async () => {
    const out = join(dir, 'report.png');
    const r = await numaLabBytes(['compare', ...ids, '--format', 'png', '--output', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(0);
    const png = readFileSync(out);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1200);
  }, 120000);

  it('without Chromium: exit 1, saying what is missing, how to install it, and that --format html works', async () => {
    const missing = join(dir, 'no-such-chromium');
    const r = await numaLabBytes(['compare', ...ids, '--format', 'png', '--db', db], { ...process.env, CHROMIUM_PATH: missing });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain(`Chromium, and there is none at ${missing}`);
    expect(r.stderr).toMatch(/apt-get install chromium/);
    expect(r.stderr).toMatch(/CHROMIUM_PATH/);
    expect(r.stderr).toMatch(/--format html writes the same report without it/);
  }, 60000);

  it('refuses to write a PNG to a terminal (exit 2): redirect it, or --output', async () => {
    const term = spawn(process.execPath, [cli, 'compare', ...ids, '--format', 'png', '--db', db], { cols: 200, rows: 30, cwd: dir, env: process.env as Record<string, string> });
    let text = '';
    term.onData((d) => (text += d));
    const code = await new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    expect(code).toBe(2);
    expect(text).toMatch(/redirect it to a file/);
    expect(text).toMatch(/--output/);
    // Nothing binary reached the terminal.
    expect(text).not.toContain('PNG');
  }, 60000);
});
