import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Paths pino replaces with "[redacted]": tokens, keys, secrets and authorization headers, wherever they sit. */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "githubToken",
  "*.githubToken",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
  "privateKey",
  "*.privateKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "request.headers.authorization",
  "*.request.headers.authorization",
  'headers["x-hub-signature-256"]',
  "webhookUrl",
  "*.webhookUrl",
];

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where to write; default standard error, so that command output on stdout stays clean. */
  destination?: DestinationStream;
}

/** The one root logger of a process. Children bind context: `logger.child({ repo, jobId })`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/**
 * Errors as logged: pino's standard serializer, then without the values of a failed statement.
 * drizzle's `DrizzleQueryError` puts every parameter in its message ("Failed query: ...\nparams:
 * ...") and in `params`; postgres.js keeps them in `parameters`. A failure log names the statement
 * (cut to 200 characters), never its values; the database edge (@yardstick/db `DatabaseError`) says
 * which table and how many parameters of what size.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return scrub(error, 0);
  const serialized = scrub(pino.stdSerializers.err(error), 0) as Record<string, unknown>;
  // The standard serializer folds causes into the message (cut above with the params): keep
  // the codes of the chain (a SQLSTATE, ECONNRESET), which say what happened without values.
  const codes: string[] = [];
  let current: unknown = error.cause;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" || typeof code === "number") codes.push(String(code));
    current = (current as { cause?: unknown }).cause;
  }
  return codes.length === 0 ? serialized : { ...serialized, causeCodes: codes };
}

const VALUE_KEYS = new Set(["params", "parameters", "args"]);

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return withoutParams(value);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (VALUE_KEYS.has(key) && (Array.isArray(item) || typeof item === "string")) {
      out[key] = `[${Array.isArray(item) ? item.length : 1} values not logged]`;
    } else if (key === "query" && typeof item === "string") {
      out[key] = item.length > 200 ? `${item.slice(0, 200)}...` : item;
    } else {
      out[key] = scrub(item, depth + 1);
    }
  }
  return out;
}

/** A message with drizzle's "params: ..." part (and anything after it) removed. */
function withoutParams(text: string): string {
  const at = text.indexOf("\nparams: ");
  if (at === -1) return text;
  const query = text.slice(0, at);
  return `${query.length > 240 ? `${query.slice(0, 240)}...` : query}\nparams: [not logged]`;
}

/** Removes credentials from a URL before it is logged or shown (postgres://user:pass@..., redis://:pass@...). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "redacted";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|secret|password|key/i.test(key)) parsed.searchParams.set(key, "redacted");
    }
    return parsed.toString();
  } catch {
    return url;
  }
}
