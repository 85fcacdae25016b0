/**
 * One error type for the whole product. `code` is stable and machine-readable;
 * `retryable` tells a job runner whether trying again can help (5xx, rate limits,
 * lost connections) or not (bad input, 4xx, a payload that fails its schema).
 */
export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** One problem in user input: the key (dotted path), what is wrong, and an example of a right value. */
export interface InputIssue {
  path: string;
  message: string;
  example?: string;
}

/** Bad input that retrying cannot fix: configuration, a webhook payload, a job payload, a CLI argument. */
export class InputError extends AppError {
  readonly issues: readonly InputIssue[];

  constructor(code: string, subject: string, issues: readonly InputIssue[]) {
    super(code, `${subject}:\n${issues.map(formatIssue).join("\n")}`, {
      retryable: false,
      details: { issues },
    });
    this.issues = issues;
  }
}

export function formatIssue(issue: InputIssue): string {
  const where = issue.path === "" ? "(top level)" : issue.path;
  const example = issue.example === undefined ? "" : ` (for example: ${issue.example})`;
  return `  - ${where}: ${issue.message}${example}`;
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
