import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./index.js";

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("writes JSON with the service and bound context, and never a token", () => {
    const out = capture();
    const logger = createLogger({ service: "worker", destination: out.stream });
    logger
      .child({ repo: "acme/api", jobId: "sync:acme/api:1" })
      .info({ token: "ghp_secret", request: { headers: { authorization: "token ghp_secret" } } }, "page synced");
    const [line] = out.lines();
    expect(line).toMatchObject({ service: "worker", repo: "acme/api", jobId: "sync:acme/api:1", level: "info" });
    expect(JSON.stringify(line)).not.toContain("ghp_secret");
    expect(line?.token).toBe("[redacted]");
  });
});

describe("error logs", () => {
  it("never carry a failed statement's values, however the error nests them", () => {
    const out = capture();
    const logger = createLogger({ service: "worker", destination: out.stream });
    const body = `private PR body ${"x".repeat(100_000)}`;
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: "22021",
      parameters: ["acme/api", body],
    });
    const error = Object.assign(
      new Error(`Failed query: insert into "pull_requests" ("repo", "body") values ($1, $2)\nparams: acme/api,${body}`),
      { query: 'insert into "pull_requests" ("repo", "body") values ($1, $2)', params: ["acme/api", body], cause },
    );
    logger.error({ err: error }, "job failed");
    logger.error({ error: new Error("wrapped", { cause: error }) }, "job failed");
    const text = out
      .lines()
      .map((line) => JSON.stringify(line))
      .join("\n");
    expect(text).not.toContain("private PR body");
    expect(text.length).toBeLessThan(20_000);
    expect(text).toContain('insert into \\"pull_requests\\"');
    expect(text).toContain("22021");
  });
});

describe("redactUrl", () => {
  it.each([
    ["postgres://app:hunter2@db:5432/yardstick", "postgres://app:redacted@db:5432/yardstick"],
    ["redis://:pw@127.0.0.1:6379", "redis://:redacted@127.0.0.1:6379"],
    ["https://hooks.example/x?token=abc&a=1", "https://hooks.example/x?token=redacted&a=1"],
    ["pglite:.yardstick/data", "pglite:.yardstick/data"],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
