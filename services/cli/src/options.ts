import { addWeeks, InputError, isoWeekOf } from "@yardstick/core";

/**
 * A calendar-day option (`--from 2026-06-01`) as the instant of its noon UTC, so that its ISO
 * week is the same in every time zone the organisation may use. Bad or missing values are input
 * errors naming the option (exit 2).
 */
export function parseDayOption(value: string | undefined, option: string, whenMissing = "required"): Date {
  const date =
    value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new InputError("input.option", "bad option", [
      {
        path: option,
        message: value === undefined ? whenMissing : `not a date: ${JSON.stringify(value)}`,
        example: "2026-06-01",
      },
    ]);
  }
  return date;
}

/**
 * `--as LOGIN`: named integrity-flag lists are for the configured admins only (METRICS.md). No
 * option: counts only. A login not in `admins` is refused rather than silently given counts.
 */
export function viewerIsAdmin(admins: readonly string[], login: string | undefined): boolean {
  if (login === undefined) return false;
  if (admins.some((a) => a.toLowerCase() === login.toLowerCase())) return true;
  throw new InputError("input.option", "not an admin", [
    {
      path: "--as",
      message: `${JSON.stringify(login)} is not in the configuration's admins (${admins.length === 0 ? "none configured" : admins.join(", ")}); named integrity-flag lists are for admins only`,
      example: "admins: [ana]   (in yardstick.config.yaml), then --as ana",
    },
  ]);
}

/** Weeks `yardstick run` reports, and the reading commands when not told (`--weeks`, `--from`). */
export const DEFAULT_WEEKS = 26;

/**
 * The weeks a reading command reports (`metrics`, `report`): `--from` and `--to` as given, else
 * the run's own defaults, so that plain commands show what `yardstick run` wrote. For the demo's
 * data (`demo`), the weeks its run reported (the simulated history does not move on); otherwise
 * `DEFAULT_WEEKS` weeks ending with the last complete week in the configured time zone at `now`.
 */
export function reportedWeeks(
  options: { from?: string | undefined; to?: string | undefined },
  context: { timeZone: string; now: Date; demo: { from: string; to: string } | null },
): { from: string; to: string } {
  const tz = context.timeZone;
  const to =
    options.to !== undefined
      ? isoWeekOf(parseDayOption(options.to, "--to"), tz)
      : options.from === undefined && context.demo !== null
        ? context.demo.to
        : addWeeks(isoWeekOf(context.now, tz), -1);
  const from =
    options.from !== undefined
      ? isoWeekOf(parseDayOption(options.from, "--from"), tz)
      : options.to === undefined && context.demo !== null
        ? context.demo.from
        : addWeeks(to, -(DEFAULT_WEEKS - 1));
  return { from, to };
}
