import { InputError } from "@yardstick/core";

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
