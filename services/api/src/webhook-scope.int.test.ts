import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { isRepositorySelected, parseConfigText } from "@yardstick/config";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseDeliveryStore } from "./delivery-store.js";
import { signWebhook } from "./signature.js";
import type { EnqueueRequest } from "./webhook-events.js";
import { handleWebhook, newWebhookCounters, type WebhookDeps } from "./webhooks.js";

const SECRET = "scope-secret";
const { config } = parseConfigText(
  [
    "version: 1",
    "github:",
    "  organizations:",
    "    - name: acme",
    "      repositories: { include: ['*'], exclude: ['secret-*', 'archive'] }",
    "  repositories: [partner/shared]",
  ].join("\n"),
  { format: "yaml", source: "test.yaml", env: {} },
);

const lines: string[] = [];
const logger = createLogger({
  service: "test",
  level: "info",
  destination: new Writable({
    write: (chunk, _e, cb) => {
      lines.push(String(chunk));
      cb();
    },
  }),
});

let handle: DatabaseHandle;
let deps: WebhookDeps;
const enqueued: EnqueueRequest[] = [];

beforeAll(async () => {
  handle = await openDatabase({ url: "pglite:memory" });
  await migrateDatabase(handle);
  deps = {
    secret: SECRET,
    deliveries: databaseDeliveryStore(handle.db),
    enqueue: async (request) => void enqueued.push(request),
    logger,
    now: () => new Date(),
    inScope: (repo) => isRepositorySelected(config, repo),
    counters: newWebhookCounters(),
  };
});
afterAll(async () => {
  await handle?.close();
});

function merged(fullName: string) {
  return {
    action: "closed",
    number: 7,
    pull_request: { merged: true, merged_at: "2026-11-20T10:00:00Z" },
    repository: { full_name: fullName },
  };
}

async function deliver(event: string, payload: unknown) {
  const body = Buffer.from(JSON.stringify(payload));
  return handleWebhook(
    {
      headers: {
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signWebhook(SECRET, body.toString("utf8")),
      },
      body,
    },
    deps,
  );
}

describe("webhooks and the configured scope", () => {
  it.each([
    ["acme/payments", true],
    ["ACME/Payments", true],
    ["partner/shared", true],
    ["acme/secret-keys", false],
    ["acme/archive", false],
    ["other-org/payments", false],
    ["partner/other", false],
  ])("%s in scope: %s", async (repo, wanted) => {
    enqueued.length = 0;
    const before = deps.counters?.outOfScope ?? 0;
    const response = await deliver("pull_request", merged(repo));
    expect(response.status).toBe(202);
    expect(enqueued.length).toBe(wanted ? 1 : 0);
    expect((deps.counters?.outOfScope ?? 0) - before).toBe(wanted ? 0 : 1);
    if (!wanted) expect(lines.at(-1)).toContain("outside the configured scope");
  });

  it("never enqueues a repository outside the scope or with an invalid name, whatever the name (generated)", async () => {
    const part = fc.string({
      unit: fc.constantFrom("a", "b", "-", "_", ".", "/", "..", " ", "%2e", "\u0000", "é", "acme", "secret-"),
      maxLength: 12,
    });
    await fc.assert(
      fc.asyncProperty(part, part, async (owner, name) => {
        enqueued.length = 0;
        const repo = `${owner}/${name}`;
        const response = await deliver("pull_request", merged(repo));
        expect([202, 400]).toContain(response.status);
        for (const request of enqueued) {
          const target = (request.payload as { repo: string }).repo;
          expect(isRepositorySelected(config, target)).toBe(true);
          expect(target.split("/")).toHaveLength(2);
          expect(target.split("/").some((p) => p === "." || p === "..")).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a repository name that would change a GitHub API path with 400", async () => {
    for (const repo of ["../orgs", "acme/..", "./x", "acme/pay/ments", `acme/${"x".repeat(200)}`]) {
      expect((await deliver("pull_request", merged(repo))).status).toBe(400);
    }
  });
});
