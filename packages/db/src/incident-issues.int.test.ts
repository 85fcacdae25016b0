import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteIncidentIssues, listIncidentIssues, upsertIncidentIssues } from "./repositories/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const at = (h: number) => new Date(Date.UTC(2026, 10, 17, h));
const row = (repo: string, number: number, title: string) => ({
  repo,
  number,
  label: "incident",
  title,
  body: "",
  url: `https://github.com/${repo}/issues/${number}`,
  state: "open" as const,
  authorLogin: "oncall",
  createdAt: at(1),
  updatedAt: at(2),
  closedAt: null,
  syncedAt: at(3),
});

describe.each(TEST_BACKENDS)("incident issues on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("upserts by (repo, number): a resynced issue replaces its row, twice changes nothing", async () => {
    await upsertIncidentIssues(t.db, [row("acme/api", 7, "errors after 1a2b3c4d"), row("acme/web", 3, "down")]);
    const edited = {
      ...row("acme/api", 7, "errors after 1a2b3c4d (rolled back)"),
      state: "closed" as const,
      closedAt: at(5),
    };
    await upsertIncidentIssues(t.db, [edited]);
    await upsertIncidentIssues(t.db, [edited]);
    const rows = await listIncidentIssues(t.db, { label: "incident" });
    expect(rows.map((r) => [r.repo, r.number, r.title, r.state])).toEqual([
      ["acme/api", 7, "errors after 1a2b3c4d (rolled back)", "closed"],
      ["acme/web", 3, "down", "open"],
    ]);
    expect(await listIncidentIssues(t.db, { label: "incident", repos: ["acme/web"] })).toHaveLength(1);
    expect(await listIncidentIssues(t.db, { label: "sev1" })).toEqual([]);
  });

  it("drops issues whose label was removed", async () => {
    await deleteIncidentIssues(t.db, "acme/api", [7, 99]);
    await deleteIncidentIssues(t.db, "acme/api", []);
    expect((await listIncidentIssues(t.db, { label: "incident" })).map((r) => r.repo)).toEqual(["acme/web"]);
  });
});
