import { z } from "zod";

/**
 * ISO 8601 weeks ("2026-W02"): weeks start on Monday 00:00 in the organisation's time zone,
 * week 1 is the week holding the year's first Thursday. Pure: the time zone is an argument.
 */
export const IsoWeek = z
  .string()
  .regex(/^\d{4}-W\d{2}$/, 'an ISO week such as "2026-W02"')
  .refine((value) => parseIsoWeekOrNull(value) !== null, "week number out of range for that year");
export type IsoWeek = z.infer<typeof IsoWeek>;

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the IANA time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The civil date of an instant in a time zone. */
export function civilDateOf(instant: Date, timeZone: string): CivilDate {
  const { year, month, day } = localParts(instant, timeZone);
  return { year, month, day };
}

/** Offset of the zone from UTC at an instant, in milliseconds (east positive). */
function offsetMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant of local midnight at the start of a civil date. Where midnight does not exist
 * (a DST gap at 00:00), the first instant of that day.
 */
export function startOfCivilDate(date: CivilDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  let instant = guess - offsetMs(new Date(guess), timeZone);
  instant = guess - offsetMs(new Date(instant), timeZone);
  // Midnight fell in a DST gap and we landed on the previous day: step forward in minutes
  // (offsets are whole minutes) until the target day begins.
  for (let i = 0; i < 24 * 60 && civilKey(civilDateOf(new Date(instant), timeZone)) < guess; i++) {
    instant += 60_000;
  }
  return new Date(instant);
}

function civilKey(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

function isoWeekOfCivil(date: CivilDate): { year: number; week: number } {
  const t = Date.UTC(date.year, date.month - 1, date.day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = new Date(t + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return { year, week };
}

export function formatIsoWeek(year: number, week: number): IsoWeek {
  return `${String(year).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week (in the given time zone) that an instant falls in. */
export function isoWeekOf(instant: Date, timeZone = "UTC"): IsoWeek {
  const { year, week } = isoWeekOfCivil(civilDateOf(instant, timeZone));
  return formatIsoWeek(year, week);
}

export function weeksInIsoYear(year: number): number {
  return isoWeekOfCivil({ year, month: 12, day: 28 }).week;
}

export function parseIsoWeekOrNull(value: string): { year: number; week: number } | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(value);
  if (match === null) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > weeksInIsoYear(year)) return null;
  return { year, week };
}

export function parseIsoWeek(value: string): { year: number; week: number } {
  const parsed = parseIsoWeekOrNull(value);
  if (parsed === null) throw new RangeError(`not an ISO week: ${JSON.stringify(value)} (expected e.g. "2026-W02")`);
  return parsed;
}

/** The Monday (civil date) that starts an ISO week. */
export function mondayOf(week: IsoWeek): CivilDate {
  const { year, week: n } = parseIsoWeek(week);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  const monday = new Date(jan4 - jan4Weekday * DAY_MS + (n - 1) * 7 * DAY_MS);
  return { year: monday.getUTCFullYear(), month: monday.getUTCMonth() + 1, day: monday.getUTCDate() };
}

/** The instant a week starts (Monday 00:00 local) and the instant the next one starts. */
export function weekBounds(week: IsoWeek, timeZone = "UTC"): { start: Date; end: Date } {
  return {
    start: startOfCivilDate(mondayOf(week), timeZone),
    end: startOfCivilDate(mondayOf(addWeeks(week, 1)), timeZone),
  };
}

export function addWeeks(week: IsoWeek, count: number): IsoWeek {
  const monday = mondayOf(week);
  const t = Date.UTC(monday.year, monday.month - 1, monday.day) + count * 7 * DAY_MS;
  const d = new Date(t);
  const next = isoWeekOfCivil({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  return formatIsoWeek(next.year, next.week);
}

export function compareWeeks(a: IsoWeek, b: IsoWeek): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every week from `from` to `to`, both included; empty when `to` is before `from`. */
export function weekRange(from: IsoWeek, to: IsoWeek): IsoWeek[] {
  const weeks: IsoWeek[] = [];
  for (let w = from; compareWeeks(w, to) <= 0; w = addWeeks(w, 1)) weeks.push(w);
  return weeks;
}
