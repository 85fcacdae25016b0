/**
 * Validation of standard five-field cron expressions (minute hour day-of-month month
 * day-of-week), as BullMQ's job schedulers accept them: `*`, values, ranges `a-b`, steps `*\/n`
 * and `a-b/n`, lists `a,b`, and month/day names (`jan`-`dec`, `sun`-`sat`).
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  namesStart?: number;
}

const FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    namesStart: 1,
  },
  // 0 and 7 are both Sunday.
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], namesStart: 0 },
];

function parseValue(text: string, field: CronField): number | string {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max) {
      return `${field.name} ${value} is out of range ${field.min}-${field.max}`;
    }
    return value;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return index + (field.namesStart ?? 0);
  const namesHint = field.names === undefined ? "" : ` or a name such as "${field.names[1]}"`;
  return `${field.name} "${text}" is not a number ${field.min}-${field.max}${namesHint}`;
}

function checkItem(item: string, field: CronField): string | undefined {
  const [range, step, extra] = item.split("/");
  if (range === undefined || extra !== undefined) return `${field.name} "${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) return `${field.name} step "${step}" is not a whole number ≥ 1`;
    if (Number(step) > field.max - field.min + 1) {
      return `${field.name} step ${step} is larger than the field's range ${field.min}-${field.max}`;
    }
  }
  if (range === "*") return undefined;
  if (range === "") return `${field.name} has an empty value in "${item}"`;
  const bounds = range.split("-");
  if (bounds.length > 2) return `${field.name} range "${range}" has more than one "-"`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = parseValue(bound, field);
    if (typeof value === "string") return value;
    values.push(value);
  }
  const [low, high] = values;
  if (low !== undefined && high !== undefined && low > high) {
    return `${field.name} range "${range}" runs backwards (${low} > ${high})`;
  }
  return undefined;
}

/** Why `expression` is not a valid five-field cron expression, or `undefined` when it is. */
export function cronError(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === "") {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts[0] === "" ? 0 : parts.length}`;
  }
  for (const [index, part] of parts.entries()) {
    const field = FIELDS[index];
    if (field === undefined) continue;
    for (const item of part.split(",")) {
      const problem = checkItem(item, field);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
