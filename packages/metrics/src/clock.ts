import { type CivilDate, formatIsoWeek, type IsoWeek, startOfCivilDate } from "@yardstick/core";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05 was a Monday. */
const MONDAY0 = 4 * DAY_MS;

function civilOfUtcDay(dayIndex: number): CivilDate {
  const d = new Date(dayIndex * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoWeekLabel(date: CivilDate): IsoWeek {
  const t = Date.UTC(date.year, date.month - 1, date.day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = new Date(t + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return formatIsoWeek(year, week);
}

/**
 * ISO weeks and calendar days of instants in one time zone, fast: the (few) week and day starts
 * are computed once with core's zone-aware `startOfCivilDate` and cached, so classifying a
 * million instants does not call Intl a million times. Agrees with core `isoWeekOf`.
 */
export class WeekClock {
  readonly timeZone: string;
  private readonly weekStarts = new Map<number, number>();
  private readonly dayStarts = new Map<number, number>();
  private readonly weekIndexByLabel = new Map<string, number>();
  private readonly labels = new Map<number, IsoWeek>();
  private readonly dayLabels = new Map<number, string>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  private weekStart(i: number): number {
    let start = this.weekStarts.get(i);
    if (start === undefined) {
      start = startOfCivilDate(civilOfUtcDay((MONDAY0 + i * WEEK_MS) / DAY_MS), this.timeZone).getTime();
      this.weekStarts.set(i, start);
    }
    return start;
  }

  private dayStart(j: number): number {
    let start = this.dayStarts.get(j);
    if (start === undefined) {
      start = startOfCivilDate(civilOfUtcDay(j), this.timeZone).getTime();
      this.dayStarts.set(j, start);
    }
    return start;
  }

  private weekIndex(t: number): number {
    let i = Math.floor((t - MONDAY0) / WEEK_MS);
    while (t < this.weekStart(i)) i -= 1;
    while (t >= this.weekStart(i + 1)) i += 1;
    return i;
  }

  /** The ISO week an instant falls in. */
  weekOf(instant: Date): IsoWeek {
    return this.label(this.weekIndex(instant.getTime()));
  }

  private label(i: number): IsoWeek {
    let label = this.labels.get(i);
    if (label === undefined) {
      label = isoWeekLabel(civilOfUtcDay((MONDAY0 + i * WEEK_MS) / DAY_MS));
      this.labels.set(i, label);
    }
    return label;
  }

  /** The week `count` weeks after (or before) `week`. */
  shift(week: IsoWeek, count: number): IsoWeek {
    return this.label(this.indexOf(week) + count);
  }

  private indexOf(week: IsoWeek): number {
    let i = this.weekIndexByLabel.get(week);
    if (i === undefined) {
      const match = /^(\d{4})-W(\d{2})$/.exec(week);
      if (match === null) throw new RangeError(`not an ISO week: ${JSON.stringify(week)} (expected e.g. "2026-W02")`);
      const year = Number(match[1]);
      const jan4 = Date.UTC(year, 0, 4);
      const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (Number(match[2]) - 1) * WEEK_MS;
      i = Math.round((monday - MONDAY0) / WEEK_MS);
      this.weekIndexByLabel.set(week, i);
    }
    return i;
  }

  /** Start (inclusive) and end (exclusive) instants of a week in the zone. */
  bounds(week: IsoWeek): { start: Date; end: Date } {
    const i = this.indexOf(week);
    return { start: new Date(this.weekStart(i)), end: new Date(this.weekStart(i + 1)) };
  }

  /** The calendar day ("YYYY-MM-DD") of an instant in the zone. */
  dayOf(instant: Date): string {
    const t = instant.getTime();
    let j = Math.floor(t / DAY_MS);
    while (t < this.dayStart(j)) j -= 1;
    while (t >= this.dayStart(j + 1)) j += 1;
    let label = this.dayLabels.get(j);
    if (label === undefined) {
      label = new Date(j * DAY_MS).toISOString().slice(0, 10);
      this.dayLabels.set(j, label);
    }
    return label;
  }
}

/** The ISO week of a calendar day ("YYYY-MM-DD"), whatever the zone. */
export function isoWeekOfDay(day: string): IsoWeek {
  const [y, m, d] = day.split("-").map(Number);
  return isoWeekLabel({ year: y ?? 1970, month: m ?? 1, day: d ?? 1 });
}
