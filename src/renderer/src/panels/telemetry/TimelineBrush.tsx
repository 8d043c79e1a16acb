import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { formatSeconds } from '../../../../shared/telemetry/format';
import { niceTicks } from './chartData';

export interface TimelineBrushProps {
  /** The whole run: [0, its last sample]. */
  span: [number, number];
  /** The window the charts show. */
  window: [number, number];
  /** A sparkline of the first chart's first series over the whole run. */
  spark: { t: ArrayLike<number>; y: ArrayLike<number | null> } | undefined;
  sparkLabel: string;
  onZoom: (w: [number, number]) => void;
}

const H = 64;
const PLOT_H = 40;

/**
 * The run's time line: a sparkline over the whole run, ticks over the whole run, and the window
 * the charts show as a lit band. Drag across it to choose a window.
 */
export function TimelineBrush({ span, window: win, spark, sparkLabel, onZoom }: TimelineBrushProps) {
  const svg = useRef<SVGSVGElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(200, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const [drag, setDrag] = useState<{ a: number; b: number } | undefined>();
  const len = span[1] - span[0] || 1;
  const x = (t: number) => ((t - span[0]) / len) * width;
  const tAt = (px: number) => span[0] + (Math.max(0, Math.min(width, px)) / width) * len;
  const px = (e: MouseEvent) => e.clientX - (svg.current?.getBoundingClientRect().left ?? 0);

  let path = '';
  if (spark && spark.t.length > 1) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < spark.y.length; i++) {
      const v = spark.y[i];
      if (v === null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const range = hi - lo || 1;
    const parts: string[] = [];
    for (let i = 0; i < spark.t.length; i++) {
      const v = spark.y[i];
      if (v === null) continue;
      parts.push(`${parts.length ? 'L' : 'M'}${x(spark.t[i]).toFixed(1)},${(4 + PLOT_H - ((v - lo) / range) * PLOT_H).toFixed(1)}`);
    }
    path = parts.join('');
  }
  const band = drag ? [Math.min(drag.a, drag.b), Math.max(drag.a, drag.b)] : [x(win[0]), x(win[1])];
  return (
    <div ref={box} className="telemetry-brush-box">
    <svg
      ref={svg}
      className="telemetry-brush"
      width={width}
      height={H}
      data-testid="telemetry-brush"
      data-window={`${win[0].toFixed(3)},${win[1].toFixed(3)}`}
      onMouseDown={(e) => {
        const p = px(e);
        setDrag({ a: p, b: p });
      }}
      onMouseMove={(e) => drag && setDrag({ a: drag.a, b: px(e) })}
      onMouseUp={() => {
        if (drag && Math.abs(drag.b - drag.a) > 3) {
          const a = tAt(Math.min(drag.a, drag.b));
          const b = tAt(Math.max(drag.a, drag.b));
          if (b > a) onZoom([a, b]);
        }
        setDrag(undefined);
      }}
      onMouseLeave={() => setDrag(undefined)}
    >
      <title>{`drag to zoom; sparkline: ${sparkLabel}`}</title>
      <rect x={0} y={2} width={width} height={PLOT_H + 6} fill="#161b22" />
      <path d={path} fill="none" stroke="#6cb6ff" strokeWidth={1} opacity={0.8} data-testid="telemetry-brush-spark" />
      <rect x={0} y={2} width={Math.max(0, band[0])} height={PLOT_H + 6} fill="#000" opacity={0.45} />
      <rect x={band[1]} y={2} width={Math.max(0, width - band[1])} height={PLOT_H + 6} fill="#000" opacity={0.45} />
      <rect x={band[0]} y={2} width={Math.max(1, band[1] - band[0])} height={PLOT_H + 6} fill="none" stroke="#6cb6ff" />
      {niceTicks(span[0], span[1], 10).map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={PLOT_H + 8} y2={PLOT_H + 11} stroke="#768390" />
          <text x={Math.min(width - 24, x(t) + 2)} y={H - 2} fill="#768390" fontSize={10}>
            {formatSeconds(t)}
          </text>
        </g>
      ))}
    </svg>
    </div>
  );
}
