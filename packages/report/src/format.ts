/** How absent figures read everywhere in the report: never as 0. */
export const NA = "n/a";

/** A ratio as a whole percentage ("67%"). */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? NA : `${Math.round(value * 100)}%`;
}

/** A figure with two decimals, integers as they are. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return NA;
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** Hours with one decimal ("12.5 h"). */
export function formatHours(value: number | null | undefined): string {
  return value === null || value === undefined ? NA : `${value.toFixed(1)} h`;
}

/** A cost, as imported (the usage reports' currency), two decimals. */
export function formatCost(value: number | null | undefined): string {
  return value === null || value === undefined ? NA : value.toFixed(2);
}

/** A count. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? NA : String(value);
}

/** A signed change in percentage points ("+5 pp"), n/a when either side is absent. */
export function formatPointChange(current: number | null, previous: number | null): string {
  if (current === null || previous === null) return NA;
  const pp = Math.round((current - previous) * 100);
  return pp === 0 ? "±0 pp" : `${pp > 0 ? "+" : "−"}${Math.abs(pp)} pp`;
}

/** A signed change of a figure ("+0.25"), n/a when either side is absent. */
export function formatDelta(current: number | null, previous: number | null): string {
  if (current === null || previous === null) return NA;
  const d = Math.round((current - previous) * 100) / 100;
  const digits = Number.isInteger(current) && Number.isInteger(previous) ? 0 : 2;
  return d === 0 ? "±0" : `${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(digits)}`;
}

/** An instant as "2026-11-24 09:00 UTC". */
export function formatInstant(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
