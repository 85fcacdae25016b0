import { and, asc, eq, isNull, notInArray } from "drizzle-orm";
import type { Database } from "../client.js";
import { orgMemberships } from "../schema/org-memberships.js";
import { upsertRows } from "../upsert.js";

export type OrgMembership = typeof orgMemberships.$inferSelect;

/**
 * Records one discovery of an organisation's members at `at`: new members join at `at` (or at
 * null, "before we looked", on the organisation's first discovery), members who came back rejoin
 * at `at`, and open memberships of people no longer listed end at `at`. An empty list changes
 * nothing (a discovery that saw no member is taken as a failed read, not as everyone leaving).
 * Idempotent: recording the same list at the same time twice changes nothing. `emptyIsNobody`:
 * the list was read and then filtered (a roster file naming none of the organisation's members),
 * so an empty one ends every open membership.
 */
export async function recordOrgMembers(
  db: Database,
  discovery: { org: string; personIds: readonly string[]; at: Date; emptyIsNobody?: boolean },
): Promise<{ joined: number; left: number }> {
  const { org, at } = discovery;
  const ids = [...new Set(discovery.personIds)];
  if (ids.length === 0) {
    if (discovery.emptyIsNobody !== true) return { joined: 0, left: 0 };
    const left = await db
      .update(orgMemberships)
      .set({ leftAt: at })
      .where(and(eq(orgMemberships.org, org), isNull(orgMemberships.leftAt)))
      .returning({ personId: orgMemberships.personId });
    return { joined: 0, left: left.length };
  }
  return db.transaction(async (tx) => {
    const known = await tx.select().from(orgMemberships).where(eq(orgMemberships.org, org));
    const firstDiscovery = known.length === 0;
    const byPerson = new Map(known.map((m) => [m.personId, m]));
    let joined = 0;
    const rows = ids.map((personId) => {
      const row = byPerson.get(personId);
      const comingBack = row !== undefined && row.leftAt !== null;
      if (row === undefined || comingBack) joined += 1;
      return {
        org,
        personId,
        joinedAt: row === undefined ? (firstDiscovery ? null : at) : comingBack ? at : row.joinedAt,
        leftAt: null,
        firstSeenAt: row?.firstSeenAt ?? at,
        lastSeenAt: row === undefined || row.lastSeenAt < at ? at : row.lastSeenAt,
      };
    });
    await upsertRows(tx, orgMemberships, rows, { key: ["org", "personId"] });
    const left = await tx
      .update(orgMemberships)
      .set({ leftAt: at })
      .where(and(eq(orgMemberships.org, org), isNull(orgMemberships.leftAt), notInArray(orgMemberships.personId, ids)))
      .returning({ personId: orgMemberships.personId });
    return { joined: firstDiscovery ? 0 : joined, left: left.length };
  });
}

/** Every recorded membership, by organisation and person. */
export async function listOrgMemberships(db: Database, org?: string): Promise<OrgMembership[]> {
  return db
    .select()
    .from(orgMemberships)
    .where(org === undefined ? undefined : eq(orgMemberships.org, org))
    .orderBy(asc(orgMemberships.org), asc(orgMemberships.personId));
}
