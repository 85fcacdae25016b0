import cronParser from "cron-parser";

/**
 * Validation of standard five-field cron expressions (minute hour day-of-month month
 * day-of-week) by the parser BullMQ's job schedulers use (`cron-parser`, the same version): what
 * passes here is what the scheduler takes. Each field is also parsed on its own (the others `*`),
 * so an error names the field it is in.
 */

const FIELDS = ["minute", "hour", "day of month", "month", "day of week"] as const;

function parserError(expression: string): string | undefined {
  try {
    cronParser.parseExpression(expression, { utc: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Why `expression` is not a valid five-field cron expression, or `undefined` when it is. */
export function cronError(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === "") {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts[0] === "" ? 0 : parts.length}`;
  }
  const whole = parserError(parts.join(" "));
  if (whole === undefined) return undefined;
  for (const [index, name] of FIELDS.entries()) {
    const alone = parts.map((part, i) => (i === index ? part : "*")).join(" ");
    const problem = parserError(alone);
    if (problem !== undefined) return `${name} "${parts[index]}": ${problem}`;
  }
  return whole;
}
