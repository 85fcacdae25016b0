import type { Confidence, Evidence, VerdictClass } from "@yardstick/core";
import { type AttributionContext, attributeCommit, type CommitLike, type PullRequestLike } from "./engine.js";

/**
 * The fixed interface of `yardstick attribute`: one commit per JSON line in, one verdict per line
 * out. Validation is hand-written (not zod) because it runs millions of times; every error names
 * the field, what is wrong and an example.
 */
export interface AttributeLine {
  id: string;
  message: string;
  authorName: string;
  authorEmail: string;
  committerName?: string;
  committerEmail?: string;
  authorLogin?: string;
  pr?: {
    authorLogin: string;
    authorType?: "User" | "Bot";
    headRef?: string;
    labels?: string[];
    title?: string;
    body?: string;
  };
}

export interface AttributeOutput {
  id: string;
  class: VerdictClass;
  tool: string | null;
  tools: string[];
  confidence: Confidence | null;
  evidence: Evidence[];
}

export interface LineError {
  line: number;
  id?: string;
  error: string;
  field: string | null;
}

export type LineParse = { ok: true; value: AttributeLine } | { ok: false; field: string | null; error: string };

const EXAMPLES: Record<string, string> = {
  id: '"a1b2c3d"',
  message: '"Fix login redirect\\n\\nCo-authored-by: ..."',
  authorName: '"Jane Doe"',
  authorEmail: '"jane@acme.com"',
  committerName: '"GitHub"',
  committerEmail: '"noreply@github.com"',
  authorLogin: '"janedoe"',
  pr: '{"authorLogin": "janedoe"}',
  "pr.authorLogin": '"janedoe"',
  "pr.authorType": '"User" or "Bot"',
  "pr.headRef": '"codex/fix-login"',
  "pr.labels": '["bug"]',
  "pr.title": '"Fix login redirect"',
  "pr.body": '"Fixes #12"',
};

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function fail(field: string, what: string, got: unknown): LineParse {
  return {
    ok: false,
    field,
    error: `${field}: ${what}, got ${got === undefined ? "nothing" : typeName(got)} (for example ${EXAMPLES[field] ?? '"..."'})`,
  };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validate one decoded line. Unknown fields are ignored; `null` optional fields count as absent. */
export function parseAttributeLine(raw: unknown): LineParse {
  if (!isObj(raw)) return { ok: false, field: null, error: `expected a JSON object per line, got ${typeName(raw)}` };
  for (const key of ["id", "message", "authorName", "authorEmail"] as const) {
    if (typeof raw[key] !== "string") return fail(key, "required string", raw[key]);
  }
  for (const key of ["committerName", "committerEmail", "authorLogin"] as const) {
    const v = raw[key];
    if (v !== undefined && v !== null && typeof v !== "string") return fail(key, "optional string", v);
  }
  const value: AttributeLine = {
    id: raw.id as string,
    message: raw.message as string,
    authorName: raw.authorName as string,
    authorEmail: raw.authorEmail as string,
  };
  if (typeof raw.committerName === "string") value.committerName = raw.committerName;
  if (typeof raw.committerEmail === "string") value.committerEmail = raw.committerEmail;
  if (typeof raw.authorLogin === "string") value.authorLogin = raw.authorLogin;
  const pr = raw.pr;
  if (pr !== undefined && pr !== null) {
    if (!isObj(pr)) return fail("pr", "optional object", pr);
    if (typeof pr.authorLogin !== "string") return fail("pr.authorLogin", "required string", pr.authorLogin);
    const out: NonNullable<AttributeLine["pr"]> = { authorLogin: pr.authorLogin };
    if (pr.authorType !== undefined && pr.authorType !== null) {
      if (pr.authorType !== "User" && pr.authorType !== "Bot") {
        return {
          ok: false,
          field: "pr.authorType",
          error: `pr.authorType: expected "User" or "Bot", got ${JSON.stringify(pr.authorType)}`,
        };
      }
      out.authorType = pr.authorType;
    }
    for (const key of ["headRef", "title", "body"] as const) {
      const v = pr[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string") return fail(`pr.${key}`, "optional string", v);
      out[key] = v;
    }
    if (pr.labels !== undefined && pr.labels !== null) {
      if (!Array.isArray(pr.labels)) return fail("pr.labels", "optional array of strings", pr.labels);
      for (let i = 0; i < pr.labels.length; i++) {
        if (typeof pr.labels[i] !== "string") {
          return {
            ok: false,
            field: `pr.labels[${i}]`,
            error: `pr.labels[${i}]: expected a string, got ${typeName(pr.labels[i])} (for example "bug")`,
          };
        }
      }
      out.labels = pr.labels as string[];
    }
    value.pr = out;
  }
  return { ok: true, value };
}

export function attributeLine(line: AttributeLine, ctx: AttributionContext): AttributeOutput {
  const commit: CommitLike = {
    sha: line.id,
    message: line.message,
    author: { name: line.authorName, email: line.authorEmail, login: line.authorLogin ?? null },
    committer:
      line.committerName === undefined && line.committerEmail === undefined
        ? null
        : { name: line.committerName ?? "", email: line.committerEmail ?? "" },
  };
  const pr: PullRequestLike | null =
    line.pr === undefined
      ? null
      : {
          author: { login: line.pr.authorLogin, type: line.pr.authorType ?? null },
          title: line.pr.title ?? "",
          body: line.pr.body ?? "",
          headRef: line.pr.headRef ?? null,
          labels: line.pr.labels ?? [],
        };
  const verdict = attributeCommit(commit, ctx, pr);
  return {
    id: line.id,
    class: verdict.class,
    tool: verdict.tool,
    tools: verdict.tools,
    confidence: verdict.confidence,
    evidence: verdict.evidence,
  };
}

/** One input line (text, 1-based number) -> the JSON output line, without the newline. */
export function processLine(
  text: string,
  lineNumber: number,
  ctx: AttributionContext,
): { ok: boolean; output: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const err: LineError = {
      line: lineNumber,
      error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      field: null,
    };
    return { ok: false, output: JSON.stringify(err) };
  }
  const parsed = parseAttributeLine(raw);
  if (!parsed.ok) {
    const id = isObj(raw) && typeof raw.id === "string" ? raw.id : undefined;
    const err: LineError = {
      line: lineNumber,
      ...(id === undefined ? {} : { id }),
      error: parsed.error,
      field: parsed.field,
    };
    return { ok: false, output: JSON.stringify(err) };
  }
  return { ok: true, output: JSON.stringify(attributeLine(parsed.value, ctx)) };
}
