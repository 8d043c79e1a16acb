import { useRef, useState, type ReactNode } from 'react';
import type { LabApi } from '../../../shared/api/labApi';
import { downloadBytes } from './download';
import { escapeHtml as esc } from '../../../shared/escapeHtml';

/**
 * "Save PNG" on a chart: the chart's own SVG (what recharts drew) is put into a picture with the
 * dark background, the chart's title and its legend — which recharts draws as HTML beside the
 * SVG, so they are drawn again here from what the caller names — then painted on a canvas and
 * downloaded. No server, no foreignObject (which would taint the canvas); the page's CSP allows
 * the data: image it goes through.
 */

export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
}

const BG = '#0d1117';
const FG = '#c9d1d9';
const MUTED = '#8494a7';
const PAD = 12;
const TITLE_H = 22;
const LEGEND_ROW = 16;



/** A base64 string (a LabApi result) as bytes. */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The picture as one standalone SVG document: background, title, the chart, the legend. */
export function chartPictureSvg(chart: SVGSVGElement, title: string, subtitle: string, legend: readonly LegendEntry[]): { svg: string; width: number; height: number } {
  const box = chart.getBoundingClientRect();
  const w = Math.ceil(box.width) || Number(chart.getAttribute('width')) || 400;
  const h = Math.ceil(box.height) || Number(chart.getAttribute('height')) || 200;
  const clone = chart.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('x', String(PAD));
  clone.setAttribute('y', String(PAD + TITLE_H));
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  // The page's stylesheet does not travel with the picture: the axis text gets the app's size here.
  if (!clone.getAttribute('font-size')) clone.setAttribute('font-size', '12');
  // Tooltips and cursors are interaction, not the picture.
  clone.querySelectorAll('.recharts-tooltip-cursor, .recharts-active-dot').forEach((n) => n.remove());
  const perRow = Math.max(1, Math.floor(w / 170));
  const legendH = legend.length ? Math.ceil(legend.length / perRow) * LEGEND_ROW + 6 : 0;
  const width = w + 2 * PAD;
  const height = PAD + TITLE_H + h + legendH + PAD;
  const items = legend
    .map((l, i) => {
      const x = PAD + (i % perRow) * 170;
      const y = PAD + TITLE_H + h + 6 + Math.floor(i / perRow) * LEGEND_ROW;
      return `<line x1="${x}" x2="${x + 18}" y1="${y + 6}" y2="${y + 6}" stroke="${esc(l.color)}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${x + 24}" y="${y + 10}" fill="${FG}" font-size="11">${esc(l.label)}</text>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="${width}" height="${height}" fill="${BG}"/>` +
    `<text x="${PAD}" y="${PAD + 13}" fill="${FG}" font-size="13" font-weight="600">${esc(title)}<tspan fill="${MUTED}" font-weight="400" font-size="11"> ${esc(subtitle)}</tspan></text>` +
    new XMLSerializer().serializeToString(clone) +
    items +
    '</svg>';
  return { svg, width, height };
}

/** Paints an SVG document on a canvas (twice the size, for a sharp picture) and gives the PNG bytes. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser has no 2D canvas to draw the picture on');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}

/** A file name from a chart's title: letters, digits, '-' and '_'. */
export function pngName(title: string): string {
  return `numa-lab-${title.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'chart'}.png`;
}

/**
 * A chart with a "Save PNG" button: wraps the chart (whatever draws an <svg class="recharts-surface">
 * inside it) and saves it, titled and with its legend, as the user sees it on the dark theme.
 */
export function SavePng({ title, subtitle = '', legend, testId, children, className }: { title: string; subtitle?: string; legend: readonly LegendEntry[]; testId: string; children: ReactNode; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | undefined>();
  const save = async () => {
    setError(undefined);
    try {
      // The plot, not a legend icon (recharts draws those as small svg.recharts-surface too): the largest one.
      const area = (e: SVGSVGElement) => e.getBoundingClientRect().width * e.getBoundingClientRect().height;
      const chart = [...(box.current?.querySelectorAll<SVGSVGElement>('svg.recharts-surface') ?? [])].filter((e) => !e.closest('.recharts-legend-wrapper')).sort((x, y) => area(y) - area(x))[0];
      if (!chart) throw new Error('the chart is not drawn yet');
      const p = chartPictureSvg(chart, title, subtitle, legend);
      downloadBytes(pngName(title), 'image/png', await svgToPng(p.svg, p.width, p.height));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className={`save-png-box ${className ?? ''}`}>
      <div ref={box}>{children}</div>
      <div className="save-png-row">
        <button className="action small-button save-png" data-testid={testId} title={`save "${title}" as a PNG picture`} onClick={() => void save()}>
          Save PNG
        </button>
        {error && (
          <span className="error small" role="alert">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

/**
 * "Save PNG" of the compare report: the lab renders the report's HTML with the same headless
 * Chromium as `numa-lab compare A B --format png`, so the app and the CLI give the same picture.
 * Where the lab has no Chromium, its message (what to install, that HTML works without it) is shown.
 */
export function CompareReportPng({ lab, a, b }: { lab: LabApi; a: number; b: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await lab.invoke('experiments.comparePng', { a, b });
      downloadBytes(`numa-lab-compare-${a}-vs-${b}.png`, 'image/png', base64Bytes(r.png));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button className="action" data-testid="cmp-png" disabled={busy} title="the compare report (spec, charts, table) as one picture" onClick={() => void save()}>
        {busy ? 'Rendering…' : 'Save PNG'}
      </button>
      {error && (
        <span className="error" role="alert" data-testid="cmp-png-error">
          {error}
        </span>
      )}
    </>
  );
}
