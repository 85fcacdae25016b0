import { escapeHtml } from "./escape.js";

/**
 * A small, deterministic SVG chart helper (line and grouped-bar charts with axes, ticks, labels
 * and a legend). No scripts, no fonts to fetch: the charts render the same in a browser, in print
 * and in a PDF. Coordinates are rounded to 0.1 so the output is byte-stable.
 */

export interface ChartSeries {
  label: string;
  /** One value per category; null is a gap (no line through it, no bar). */
  values: readonly (number | null)[];
  color: string;
  dashed?: boolean;
  /** Draw the series' points (line charts). Default true. */
  points?: boolean;
}

export interface ChartOptions {
  /** Accessible name (`aria-label` and `<title>`). */
  title: string;
  categories: readonly string[];
  series: readonly ChartSeries[];
  formatY: (value: number) => string;
  width?: number;
  height?: number;
  /** Fixed y range; by default 0 to a round number above the largest value. */
  yMax?: number;
  /** Categories drawn as grey bands (suppressed weeks), with `shadeLabel` in the legend. */
  shaded?: readonly boolean[];
  shadeLabel?: string;
}

const MARGIN = { right: 12, bottom: 30, left: 48 };
const LEGEND_ROW = 14;
const r = (v: number) => Math.round(v * 10) / 10;

/** A round tick step (1, 2, 2.5 or 5 × 10^n) giving about `count` intervals up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** "2026-W10" -> "W10"; other labels unchanged. */
function shortLabel(category: string): string {
  const m = /^\d{4}-(W\d{2})$/.exec(category);
  return m?.[1] ?? category;
}

interface LegendItem {
  label: string;
  swatch: string;
  x: number;
  row: number;
}

/** Legend entries laid out left to right, wrapping onto further rows within the chart's width. */
function legendLayout(options: ChartOptions, kind: "line" | "bar", width: number): LegendItem[] {
  const entries: { label: string; swatch: string }[] = options.series.map((s) => ({
    label: s.label,
    swatch:
      kind === "bar"
        ? `<rect x="4" y="-4" width="12" height="8" fill="${s.color}"/>`
        : `<line x1="0" x2="18" y1="0" y2="0" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
  }));
  if (options.shaded?.some(Boolean)) {
    entries.push({
      label: options.shadeLabel ?? "no figure",
      swatch: `<rect class="shade" x="4" y="-5" width="12" height="10"/>`,
    });
  }
  const items: LegendItem[] = [];
  let x = MARGIN.left;
  let row = 0;
  for (const e of entries) {
    const w = 30 + e.label.length * 5.3;
    if (x > MARGIN.left && x + w > width - MARGIN.right) {
      row += 1;
      x = MARGIN.left;
    }
    items.push({ ...e, x, row });
    x += w;
  }
  return items;
}

interface Frame {
  top: number;
  legend: LegendItem[];
  width: number;
  height: number;
  plotW: number;
  plotH: number;
  yMax: number;
  x(i: number): number;
  y(v: number): number;
  band: number;
}

function frame(options: ChartOptions, kind: "line" | "bar"): Frame {
  const width = options.width ?? 360;
  const legend = legendLayout(options, kind, width);
  const rows = legend.length === 0 ? 0 : Math.max(...legend.map((l) => l.row)) + 1;
  const top = 12 + rows * LEGEND_ROW;
  const height = (options.height ?? 200) + (rows - 1) * LEGEND_ROW;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - top - MARGIN.bottom;
  const values = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const dataMax = Math.max(0, ...values);
  const step = niceStep(dataMax);
  const yMax = options.yMax ?? Math.max(step, Math.ceil(dataMax / step) * step);
  const n = Math.max(1, options.categories.length);
  const band = plotW / n;
  return {
    top,
    legend,
    width,
    height,
    plotW,
    plotH,
    yMax,
    band,
    x: (i) => MARGIN.left + band * (i + 0.5),
    y: (v) => top + plotH - (Math.min(Math.max(v, 0), yMax) / yMax) * plotH,
  };
}

function axes(f: Frame, options: ChartOptions): string {
  const parts: string[] = [];
  const step = niceStep(f.yMax);
  for (let v = 0; v <= f.yMax + step / 1000; v += step) {
    const y = r(f.y(v));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${r(MARGIN.left + f.plotW)}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${MARGIN.left - 4}" y="${r(y + 3)}" text-anchor="end">${escapeHtml(options.formatY(r(v * 1000) / 1000))}</text>`,
    );
  }
  const n = options.categories.length;
  const every = Math.max(1, Math.ceil(n / 6));
  options.categories.forEach((c, i) => {
    // Every `every`-th week, and the last one when it is not crowded by the previous label.
    const last = i === n - 1 && i % every >= every / 2;
    if (i % every !== 0 && !last) return;
    const label = i === 0 ? c : shortLabel(c);
    parts.push(
      `<text class="tick" x="${r(f.x(i))}" y="${r(f.top + f.plotH + 14)}" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  });
  const bottom = r(f.top + f.plotH);
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${r(MARGIN.left + f.plotW)}" y1="${bottom}" y2="${bottom}"/>`,
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${f.top}" y2="${bottom}"/>`,
  );
  return parts.join("");
}

function shading(f: Frame, options: ChartOptions): string {
  const shaded = options.shaded ?? [];
  return shaded
    .map((s, i) =>
      s
        ? `<rect class="shade" x="${r(MARGIN.left + f.band * i)}" y="${f.top}" width="${r(f.band)}" height="${r(f.plotH)}"><title>${escapeHtml(`${options.categories[i] ?? ""}: ${options.shadeLabel ?? "no figure"}`)}</title></rect>`
        : "",
    )
    .join("");
}

function legend(f: Frame): string {
  return f.legend
    .map(
      (l) =>
        `<g transform="translate(${r(l.x)},${10 + l.row * LEGEND_ROW})">${l.swatch}<text class="legend" x="22" y="4">${escapeHtml(l.label)}</text></g>`,
    )
    .join("");
}

function open(f: Frame, options: ChartOptions, kind: string): string {
  return `<svg class="chart chart-${kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeHtml(options.title)}"><title>${escapeHtml(options.title)}</title>`;
}

/** A line chart; null values break the line (a gap), a lone value between gaps is a dot. */
export function lineChart(options: ChartOptions): string {
  const f = frame(options, "line");
  const parts = [open(f, options, "line"), shading(f, options), axes(f, options)];
  for (const s of options.series) {
    const segments: string[][] = [];
    let current: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        if (current.length > 0) segments.push(current);
        current = [];
        return;
      }
      current.push(`${r(f.x(i))},${r(f.y(v))}`);
    });
    if (current.length > 0) segments.push(current);
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : "";
    for (const seg of segments) {
      if (seg.length > 1) {
        parts.push(
          `<polyline class="series" fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${seg.join(" ")}"/>`,
        );
      }
    }
    if (s.points !== false) {
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        parts.push(
          `<circle cx="${r(f.x(i))}" cy="${r(f.y(v))}" r="2.2" fill="${s.color}"><title>${escapeHtml(`${options.categories[i] ?? ""} · ${s.label}: ${options.formatY(v)}`)}</title></circle>`,
        );
      });
    }
  }
  parts.push(legend(f), "</svg>");
  return parts.join("");
}

/** A grouped bar chart: one group of bars per category, one bar per series. */
export function barChart(options: ChartOptions): string {
  const f = frame(options, "bar");
  const parts = [open(f, options, "bar"), shading(f, options), axes(f, options)];
  const count = Math.max(1, options.series.length);
  const inner = f.band * 0.8;
  const barW = inner / count;
  options.series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const x = MARGIN.left + f.band * i + f.band * 0.1 + barW * k;
      const y = f.y(v);
      parts.push(
        `<rect class="bar" x="${r(x)}" y="${r(y)}" width="${r(Math.max(barW - 0.5, 0.5))}" height="${r(f.top + f.plotH - y)}" fill="${s.color}"><title>${escapeHtml(`${options.categories[i] ?? ""} · ${s.label}: ${options.formatY(v)}`)}</title></rect>`,
      );
    });
  });
  parts.push(legend(f), "</svg>");
  return parts.join("");
}
