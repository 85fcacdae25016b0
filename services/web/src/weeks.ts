/**
 * ISO weeks in the browser: the API takes days (`from`, `to`) and answers weeks. A week's Thursday
 * names it in every time zone (the API reads a day at noon UTC in the configured zone), so the
 * dashboard asks with Thursdays. Same arithmetic as @yardstick/core's iso-week.ts (not imported:
 * it would bring zod into the bundle).
 */
const DAY = 86_400_000;

function thursdayMs(week: string): number {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (m === null) throw new Error(`not an ISO week: ${week}`);
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  return mondayOfWeek1 + (Number(m[2]) - 1) * 7 * DAY + 3 * DAY;
}

function weekOfThursday(ms: number): string {
  const year = new Date(ms).getUTCFullYear();
  const week = Math.floor((ms - thursdayMs(`${year}-W01`)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Thursday of an ISO week, YYYY-MM-DD. */
export function dayOf(week: string): string {
  return new Date(thursdayMs(week)).toISOString().slice(0, 10);
}

export function addWeeks(week: string, n: number): string {
  return weekOfThursday(thursdayMs(week) + n * 7 * DAY);
}

export function isWeek(value: string | null): value is string {
  return value !== null && /^\d{4}-W\d{2}$/.test(value);
}

/** The later of two weeks (ISO week names sort as text). */
export function laterWeek(a: string, b: string): string {
  return a > b ? a : b;
}

/** The ISO week (UTC) of an instant. */
export function weekOfInstant(iso: string): string {
  const ms = Date.parse(iso);
  const day = Math.floor(ms / DAY) * DAY;
  return weekOfThursday(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY + 3 * DAY);
}

/** The last complete week the rollups cover at the instant they were computed (else their last week). */
export function lastCompleteWeek(fresh: { from: string; to: string; computedAt: string }): string {
  const current = weekOfInstant(fresh.computedAt);
  if (fresh.to < current) return fresh.to;
  const before = addWeeks(current, -1);
  return before >= fresh.from ? before : fresh.to;
}
