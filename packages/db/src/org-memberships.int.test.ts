import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOrgMemberships, recordOrgMembers, upsertPeople } from "./repositories/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 9));
const person = (id: string) => ({ id, displayName: id, logins: [id], userIds: [], emails: [], names: [], teams: [] });

describe.each(TEST_BACKENDS)("org memberships on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
    await upsertPeople(t.db, ["ana", "bo", "cy", "di"].map(person));
  });
  afterAll(async () => {
    await t.drop();
  });
  const state = async () =>
    (await listOrgMemberships(t.db, "acme")).map((m) => [
      m.personId,
      m.joinedAt?.getUTCDate() ?? null,
      m.leftAt?.getUTCDate() ?? null,
    ]);

  it("takes the first discovery's members as members from before", async () => {
    expect(await recordOrgMembers(t.db, { org: "acme", personIds: ["ana", "bo"], at: day(1) })).toEqual({
      joined: 0,
      left: 0,
    });
    expect(await state()).toEqual([
      ["ana", null, null],
      ["bo", null, null],
    ]);
  });

  it("dates joins and leaves from later discoveries, idempotently", async () => {
    expect(await recordOrgMembers(t.db, { org: "acme", personIds: ["ana", "cy"], at: day(8) })).toEqual({
      joined: 1,
      left: 1,
    });
    expect(await recordOrgMembers(t.db, { org: "acme", personIds: ["ana", "cy"], at: day(8) })).toEqual({
      joined: 0,
      left: 0,
    });
    expect(await state()).toEqual([
      ["ana", null, null],
      ["bo", null, 8],
      ["cy", 8, null],
    ]);
  });

  it("reopens the membership of someone who comes back, and ignores an empty discovery", async () => {
    await recordOrgMembers(t.db, { org: "acme", personIds: ["ana", "bo", "cy"], at: day(15) });
    expect(await recordOrgMembers(t.db, { org: "acme", personIds: [], at: day(16) })).toEqual({ joined: 0, left: 0 });
    expect(await state()).toEqual([
      ["ana", null, null],
      ["bo", 15, null],
      ["cy", 8, null],
    ]);
    expect(await listOrgMemberships(t.db, "other")).toEqual([]);
  });
});
