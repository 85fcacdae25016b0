import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { PALETTE, percent } from "../ui.js";

/**
 * The overview's two charts: recharts, in a chunk of its own that the overview loads lazily, so
 * its tiles (and every other page but Adoption) do not wait for it.
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
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#ddd" />
        <XAxis dataKey="week" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} width={40} />
        <Tooltip />
        <Legend />
        <Line isAnimationActive={false} type="linear" dataKey="ND" stroke={PALETTE[0]} strokeWidth={2} dot={{ r: 3 }} />
        <Line
          isAnimationActive={false}
          type="linear"
          dataKey="AIND"
          stroke={PALETTE[1]}
          strokeWidth={2}
          strokeDasharray="6 3"
          dot={{ r: 3 }}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function AdoptionChart({ series, target }: { series: WeekPoint[]; target: number | null }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#ddd" />
        <XAxis dataKey="week" tick={{ fontSize: 11 }} />
        <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11 }} width={48} />
        <Tooltip />
        <Legend />
        <Line
          isAnimationActive={false}
          type="linear"
          dataKey="adoption"
          name="weekly"
          stroke={PALETTE[0]}
          strokeWidth={2}
          dot={{ r: 3 }}
        />
        <Line
          isAnimationActive={false}
          type="linear"
          dataKey="adoption4w"
          name="4-week"
          stroke={PALETTE[2]}
          strokeWidth={2}
          strokeDasharray="2 2"
          dot={{ r: 3 }}
        />
        {target === null ? null : (
          <ReferenceLine
            y={target * 100}
            stroke="#000"
            strokeDasharray="8 3 2 3"
            label={{ value: `target ${percent(target)}`, fontSize: 11 }}
          />
        )}
      </LineChart>
    </ResponsiveContainer>
  );
}
