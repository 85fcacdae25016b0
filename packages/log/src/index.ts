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
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
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
