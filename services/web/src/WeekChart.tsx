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
import { percent } from "./ui.js";

/** One line of a weekly chart: its key in the rows, legend name, colour and dash pattern. */
export interface WeekLine {
  dataKey: string;
  /** The legend's name (default: the key). */
  name?: string;
  /** The colour (a palette entry; recharts' default when undefined). */
  stroke: string | undefined;
  /** An SVG dash pattern ("6 3"); solid when absent or empty. */
  dash?: string;
  /** A dot at each week (a few lines over a few weeks), or none (many lines on one axis). */
  dots: boolean;
}

/**
 * The dashboard's weekly line chart (the overview's ND and adoption charts, the adoption page's
 * every-group chart): one row per week (`week` is the x axis), plain values or percentages 0-100
 * on the y axis, a dashed reference line at each target (a share, 0-1). No animation, so a
 * screenshot or a test reads it at once; a missing week is a gap, never joined over. recharts is
 * the bundle's largest part: only lazily loaded chunks import this module.
 */
export function WeekChart(props: {
  rows: readonly object[];
  lines: readonly WeekLine[];
  axis: "value" | "percent";
  targets?: readonly number[];
  height?: number;
}) {
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 220}>
      <LineChart data={[...props.rows]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#ddd" />
        <XAxis dataKey="week" tick={{ fontSize: 11 }} />
        {props.axis === "percent" ? (
          <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11 }} width={48} />
        ) : (
          <YAxis tick={{ fontSize: 11 }} width={40} />
        )}
        <Tooltip />
        <Legend />
        {props.lines.map((l) => (
          <Line
            key={l.dataKey}
            isAnimationActive={false}
            type="linear"
            dataKey={l.dataKey}
            name={l.name ?? l.dataKey}
            stroke={l.stroke}
            strokeWidth={2}
            strokeDasharray={l.dash}
            dot={l.dots ? { r: 3 } : false}
            connectNulls={false}
          />
        ))}
        {(props.targets ?? []).map((t) => (
          <ReferenceLine
            key={t}
            y={t * 100}
            stroke="#000"
            strokeDasharray="8 3 2 3"
            label={{ value: `target ${percent(t)}`, fontSize: 11 }}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
