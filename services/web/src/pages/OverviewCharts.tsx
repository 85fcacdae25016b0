import { PALETTE } from "../ui.js";
import { WeekChart } from "../WeekChart.js";

/**
 * The overview's two charts, in a chunk of their own that the overview loads lazily (recharts,
 * through `WeekChart`), so its tiles (and every other page but Adoption) do not wait for it.
 */
export interface WeekPoint {
  week: string;
  ND: number | null;
  AIND: number | null;
  adoption: number | null;
  adoption4w: number | null;
}

export function NdChart({ series }: { series: WeekPoint[] }) {
  return (
    <WeekChart
      rows={series}
      axis="value"
      lines={[
        { dataKey: "ND", stroke: PALETTE[0], dots: true },
        { dataKey: "AIND", stroke: PALETTE[1], dash: "6 3", dots: true },
      ]}
    />
  );
}

export function AdoptionChart({ series, target }: { series: WeekPoint[]; target: number | null }) {
  return (
    <WeekChart
      rows={series}
      axis="percent"
      lines={[
        { dataKey: "adoption", name: "weekly", stroke: PALETTE[0], dots: true },
        { dataKey: "adoption4w", name: "4-week", stroke: PALETTE[2], dash: "2 2", dots: true },
      ]}
      targets={target === null ? [] : [target]}
    />
  );
}
