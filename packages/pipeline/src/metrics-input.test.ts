import { createIdentityResolver } from "@yardstick/attribution";
import { describe, expect, it } from "vitest";
import { membershipPeriods, reviewerIdsOf } from "./metrics-input.js";

const d = (day: number) => new Date(Date.UTC(2026, 10, day));
const row = (org: string, personId: string, joinedAt: Date | null, leftAt: Date | null) => ({
  org,
  personId,
  joinedAt,
  leftAt,
  firstSeenAt: d(1),
  lastSeenAt: d(20),
});

describe("membershipPeriods", () => {
  it("gives each person one roster period across organisations", () => {
    const periods = membershipPeriods([
      row("acme", "ana", null, null),
      row("acme", "bo", d(3), d(10)),
      row("labs", "bo", d(5), d(12)),
      row("acme", "cy", d(4), d(9)),
      row("labs", "cy", null, null),
      row("acme", "di", d(6), null),
    ]);
    expect(Object.fromEntries(periods)).toEqual({
      ana: { joinedAt: null, leftAt: null },
      // Member of two organisations: from the earlier join to the later departure.
      bo: { joinedAt: d(3), leftAt: d(12) },
      // Still a member of one: open-ended, and a member since before the first discovery.
      cy: { joinedAt: null, leftAt: null },
      di: { joinedAt: d(6), leftAt: null },
    });
  });
});

describe("reviewerIdsOf", () => {
  const resolver = createIdentityResolver([
    { id: "p-ana", displayName: "Ana", logins: ["ana"], userIds: [], emails: [], names: [], teams: [] },
  ]);
  it("names roster people by id, others by login, and leaves bots out", () => {
    expect(reviewerIdsOf(["Ana", "ana", "former-member", "dependabot[bot]"], resolver)).toEqual([
      "p-ana",
      // A reviewer who left the organisation (or an outside collaborator) still reviewed.
      "login:former-member",
    ]);
  });
});
