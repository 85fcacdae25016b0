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
