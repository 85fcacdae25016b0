/** Exit codes scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed (a sync error, a failed delivery, a failing check). */
  failure: 1,
  /** Bad usage or bad input: an unknown option, a malformed config file, invalid arguments. */
  usage: 2,
  /** A dependency was unavailable: database, Redis or GitHub could not be reached. */
  unavailable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
