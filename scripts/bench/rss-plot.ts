/**
 * The worker benchmarks' plot (worker-memory.ts, fleet.ts): the RSS of one or more processes
 * (left axis, MiB) and the merged PRs stored (right axis, dashed) over minutes, with the 512 MiB
 * bound of issue 18 drawn. Plain SVG, no dependency, so the file can be committed and diffed.
 */

/** Issue 18's bound on a sync worker's resident set. */
export const RSS_BOUND_MIB = 512;

export interface RssSeries {
  label: string;
  /** Samples of this process (a process gone is simply left out of the later ones). */
  points: readonly { seconds: number; rssMiB: number }[];
}

export interface RssPlot {
  title: string;
  series: readonly RssSeries[];
  prs: readonly { seconds: number; mergedPrs: number }[];
  /** The left axis' label (default "worker RSS (MiB)"). */
  rssLabel?: string;
}

/** Distinct enough for 12 lines on white (a worker's colour is its index's). */
const PALETTE = ["#25c", "#d62", "#393", "#939", "#c90", "#09b", "#c36", "#663", "#56a", "#a55", "#2a9", "#888"];

export function rssPlotSvg(plot: RssPlot): string {
  const legend = plot.series.length > 1;
  const W = 760;
  const H = 380 + (legend ? 18 * Math.ceil(plot.series.length / 6) : 0);
  const m = { l: 64, r: 76, t: 40, b: 48 + H - 380 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const all = plot.series.flatMap((s) => s.points);
  const tMax = Math.max(1, ...all.map((p) => p.seconds), ...plot.prs.map((p) => p.seconds)) / 60;
  const rMax = Math.max(RSS_BOUND_MIB * 1.15, ...all.map((p) => p.rssMiB * 1.1));
  const pMax = Math.max(1, ...plot.prs.map((p) => p.mergedPrs)) * 1.1;
  const x = (minutes: number) => m.l + (minutes / tMax) * pw;
  const yR = (mib: number) => m.t + ph - (mib / rMax) * ph;
  const yP = (prs: number) => m.t + ph - (prs / pMax) * ph;
  const line = (pts: [number, number][]) =>
    pts.map(([a, b], i) => `${i === 0 ? "M" : "L"}${a.toFixed(1)},${b.toFixed(1)}`).join(" ");
  const ticks = (max: number, n: number) => Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<title>${plot.title}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${plot.title}</text>`);
  for (const v of ticks(rMax, 5)) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${yR(v)}" y2="${yR(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${yR(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  for (const v of ticks(pMax, 5))
    parts.push(`<text x="${m.l + pw + 6}" y="${yP(v) + 4}" fill="#2a7">${Math.round(v).toLocaleString("en")}</text>`);
  for (const v of ticks(tMax, 6))
    parts.push(`<text x="${x(v)}" y="${m.t + ph + 18}" text-anchor="middle">${v.toFixed(1)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  parts.push(
    `<line x1="${m.l}" x2="${m.l + pw}" y1="${yR(RSS_BOUND_MIB)}" y2="${yR(RSS_BOUND_MIB)}" stroke="#c33" stroke-dasharray="6 4"/>`,
    `<text x="${m.l + 6}" y="${yR(RSS_BOUND_MIB) - 6}" fill="#c33">${RSS_BOUND_MIB} MiB bound</text>`,
  );
  parts.push(
    `<path d="${line(plot.prs.map((p) => [x(p.seconds / 60), yP(p.mergedPrs)]))}" fill="none" stroke="#2a7" stroke-width="1.5" stroke-dasharray="3 2"/>`,
  );
  plot.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const width = legend ? 1.2 : 2;
    parts.push(
      `<path d="${line(s.points.map((p) => [x(p.seconds / 60), yR(p.rssMiB)]))}" fill="none" stroke="${colour}" stroke-width="${width}" stroke-opacity="${legend ? 0.85 : 1}"><title>${s.label}</title></path>`,
    );
    if (legend) {
      const lx = m.l + (i % 6) * 105;
      const ly = H - 14 - 18 * (Math.ceil(plot.series.length / 6) - 1 - Math.floor(i / 6));
      parts.push(
        `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
        `<text x="${lx + 22}" y="${ly}">${s.label}</text>`,
      );
    }
  });
  parts.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + 36}" text-anchor="middle">minutes</text>`);
  parts.push(
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#25c">${plot.rssLabel ?? "worker RSS (MiB)"}</text>`,
  );
  parts.push(
    `<text transform="translate(${W - 12} ${m.t + ph / 2}) rotate(90)" text-anchor="middle" fill="#2a7">merged PRs stored</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
