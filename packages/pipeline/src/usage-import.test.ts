import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  detectUsageFormat,
  formatUsageError,
  parseCsv,
  parseUsage,
  type UsageFormat,
  type UsageRow,
} from "./usage-import.js";

const testdata = join(import.meta.dirname, "../testdata/usage");
const sample = (name: string) => readFileSync(join(testdata, name), "utf8");

const row = (over: Partial<UsageRow>): UsageRow => ({
  source: "csv",
  identityKind: "login",
  identityValue: "priya-raman",
  day: "2026-10-05",
  tool: "claude-code",
  tokensIn: 0,
  tokensOut: 0,
  costUsd: null,
  ...over,
});

describe("parseUsage on realistic sample files", () => {
  it.each<[string, UsageFormat, UsageRow[], number]>([
    [
      "usage.csv",
      "csv",
      [
        row({ tokensIn: 182000, tokensOut: 41000, costUsd: 3.12 }),
        row({ day: "2026-10-06", tokensIn: 96000, tokensOut: 22000, costUsd: 1.64 }),
        row({ identityValue: "sam-lee", tool: "copilot", tokensIn: 5400, tokensOut: 4200 }),
        row({ identityValue: "ana-souza", tool: "cursor", tokensIn: 1200, tokensOut: 300, costUsd: 0.05 }),
        row({
          identityKind: "email",
          identityValue: "sam@acme.io",
          day: "2026-10-07",
          tool: "codex",
          tokensIn: 77000,
          tokensOut: 15000,
          costUsd: 1.1,
        }),
      ],
      0,
    ],
    [
      "usage.json",
      "json",
      [
        row({
          source: "json",
          identityKind: "email",
          identityValue: "priya@acme.io",
          tokensIn: 182000,
          tokensOut: 41000,
          costUsd: 3.12,
        }),
        row({
          source: "json",
          identityKind: "user_id",
          identityValue: "583231",
          tool: "copilot",
          tokensIn: 5400,
          tokensOut: 4200,
        }),
        row({
          source: "json",
          identityValue: "sam-lee",
          day: "2026-10-06",
          tool: "codex",
          tokensIn: 77000,
          tokensOut: 15000,
          costUsd: 1.1,
        }),
      ],
      0,
    ],
    [
      "copilot-user-metrics.ndjson",
      "copilot",
      [
        // cli 3800/5000 + copilot app 5400/4200; credits are not dollars: cost unknown.
        row({ source: "copilot-usage", identityValue: "octocat", tool: "copilot", tokensIn: 9200, tokensOut: 9200 }),
        row({ source: "copilot-usage", identityValue: "octocat", day: "2026-10-06", tool: "copilot" }),
        row({ source: "copilot-usage", identityValue: "sam-lee", tool: "copilot", tokensIn: 9000, tokensOut: 3000 }),
      ],
      0,
    ],
    [
      "claude-code-usage-report.json",
      "claude-code",
      [
        // Two terminals of one person and day add up; input counts cache reads and writes; cents -> USD.
        row({
          source: "claude-code-usage",
          identityKind: "email",
          identityValue: "priya@acme.io",
          tokensIn: 100000 + 10000 + 5000 + 40000 + 2000,
          tokensOut: 35000 + 6000 + 1000,
          costUsd: (1025 + 87 + 3) / 100,
        }),
        row({
          source: "claude-code-usage",
          identityKind: "email",
          identityValue: "sam@acme.io",
          tokensIn: 30000 + 120000 + 8000,
          tokensOut: 9000,
          costUsd: 4.12,
        }),
      ],
      1, // the API-key actor
    ],
  ])("%s is read as %s", (file, format, rows, skipped) => {
    const result = parseUsage(sample(file), { fileName: file });
    expect(result.format).toBe(format);
    expect(result.errors).toEqual([]);
    expect(
      result.rows.map((r) => ({ ...r, costUsd: r.costUsd === null ? null : Number(r.costUsd.toFixed(6)) })),
    ).toEqual(rows);
    expect(result.skipped).toHaveLength(skipped);
  });

  it("names the line and field of every bad row and keeps the good ones", () => {
    const result = parseUsage(sample("usage-bad.csv"));
    expect(result.rows).toEqual([row({ tokensIn: 182000, tokensOut: 41000, costUsd: 3.12 })]);
    expect(result.errors.map(formatUsageError)).toEqual([
      'line 3, day: not a calendar day: "2026-13-05" (for example 2026-01-05)',
      'line 4, tokens_in: not a non-negative number: "lots" (for example 1200)',
      "line 5, login: missing: no login, email, user_id, user or person (for example octocat)",
      "line 6, (row): has 7 cells, the header has 6 (for example login,day,tool,tokens_in,tokens_out,cost_usd)",
      "line 7, tool: missing (for example claude-code)",
      'line 8, cost: not a non-negative number: "-1" (for example 12.50)',
    ]);
  });
});

describe("parseUsage edge cases", () => {
  it.each<[string, string, UsageFormat | undefined, Partial<ReturnType<typeof parseUsage>>]>([
    ["empty file", "", undefined, { format: "csv", rows: [], errors: [] }],
    ["header only", "login,day,tool\n", undefined, { rows: [], errors: [] }],
    [
      "CRLF, BOM, camelCase header, blank lines",
      "\uFEFFLogin,Date,Tool,Tokens In,Tokens Out\r\n\r\nocto,2026-01-05,copilot,1,2\r\n",
      undefined,
      { rows: [row({ identityValue: "octo", day: "2026-01-05", tool: "copilot", tokensIn: 1, tokensOut: 2 })] },
    ],
    [
      "same key twice in a file adds up",
      "login,day,tool,tokens_in,cost\nocto,2026-01-05,copilot,1,0.5\nOcto,2026-01-05,copilot,2,\n",
      undefined,
      { rows: [row({ identityValue: "octo", day: "2026-01-05", tool: "copilot", tokensIn: 3, costUsd: 0.5 })] },
    ],
    [
      "fractional tokens are refused",
      "login,day,tool,tokens_out\nocto,2026-01-05,copilot,1.5\n",
      undefined,
      {
        rows: [],
        errors: [
          { at: "line 2", field: "tokens_out", message: 'not a whole number of tokens: "1.5"', example: "1200" },
        ],
      },
    ],
    [
      "an unreadable JSON document is one file-level error",
      '{"records": [',
      "json",
      {
        rows: [],
        errors: [
          {
            at: "file",
            field: "(document)",
            message: expect.stringContaining("not valid JSON"),
            example: expect.any(String),
          },
        ],
      },
    ],
    [
      "NDJSON with a broken line names the line",
      '{"login":"a","day":"2026-01-05","tool":"x"}\n{oops\n{"login":"b","day":"2026-01-05","tool":"x"}\n',
      "json",
      {
        rows: [
          row({ source: "json", identityValue: "a", day: "2026-01-05", tool: "x" }),
          row({ source: "json", identityValue: "b", day: "2026-01-05", tool: "x" }),
        ],
        errors: [
          { at: "line 2", field: "(line)", message: expect.stringContaining("not valid JSON"), example: "{...}" },
        ],
      },
    ],
    [
      "a Claude Code record in another currency is refused",
      JSON.stringify({
        data: [
          {
            date: "2026-01-05T00:00:00Z",
            actor: { type: "user_actor", email_address: "a@b.io" },
            model_breakdown: [
              { model: "m", tokens: { input: 1, output: 1 }, estimated_cost: { currency: "EUR", amount: 5 } },
            ],
          },
        ],
      }),
      undefined,
      {
        format: "claude-code",
        rows: [],
        errors: [
          {
            at: "record 1",
            field: "model_breakdown[0].estimated_cost.currency",
            message: 'not USD: "EUR"',
            example: "USD",
          },
        ],
      },
    ],
    [
      "a Copilot record without user_login or numeric user_id",
      '{"day":"2026-01-05","user_id":"x","totals_by_cli":{}}',
      "copilot",
      {
        rows: [],
        errors: [
          { at: "record 1", field: "user_login", message: "missing (and no numeric user_id)", example: "octocat" },
        ],
      },
    ],
  ])("%s", (_name, text, format, expected) => {
    expect(parseUsage(text, format === undefined ? {} : { format })).toMatchObject(expected);
  });
});

describe("detectUsageFormat", () => {
  it.each<[string, string, UsageFormat]>([
    ["a CSV header", "login,day,tool\n", "csv"],
    ["a generic JSON array", '[{"login":"a","day":"2026-01-05","tool":"x"}]', "json"],
    ["Copilot user records", '[{"day":"2026-01-05","user_login":"a","totals_by_ide":[]}]', "copilot"],
    ["Copilot NDJSON", '{"day":"2026-01-05","user_login":"a"}\n{"day":"2026-01-06","user_login":"a"}\n', "copilot"],
    [
      "a Claude Code report",
      '{"data":[{"date":"2026-01-05T00:00:00Z","actor":{},"model_breakdown":[]}]}',
      "claude-code",
    ],
  ])("%s", (_name, text, format) => {
    expect(detectUsageFormat(text)).toBe(format);
  });
});

describe("parseCsv", () => {
  it("reads quoted cells with commas, doubled quotes and newlines, and knows each record's line", () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\nlast,row')).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", 'say "hi"\nthere'] },
      { line: 4, cells: ["last", "row"] },
    ]);
  });

  it("names the line of a quoted cell never closed instead of losing the rows after it", () => {
    expect(() => parseCsv('a,b\n"open,1\nnext,2\nlast,3\n')).toThrow(/never closed/);
    const result = parseUsage(
      'person,day,tool,tokensIn\n"ann,2026-11-02,claude-code,5\nbo,2026-11-02,claude-code,7\n',
      {
        format: "csv",
      },
    );
    expect(result.errors).toEqual([
      expect.objectContaining({ field: "(file)", message: expect.stringContaining("never closed") }),
    ]);
  });
});
