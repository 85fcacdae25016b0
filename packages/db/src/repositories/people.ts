import type { IdentityKind, Person, Team } from "@yardstick/core";
import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import type { Database } from "../client.js";
import { bots } from "../schema/bots.js";
import { people } from "../schema/people.js";
import { personIdentities } from "../schema/person-identities.js";
import { teamMemberships } from "../schema/team-memberships.js";
import { teams } from "../schema/teams.js";
import { chunk, keysIn, upsertRows } from "../upsert.js";
import { groupBy } from "./commits.js";

/** How identities are stored and looked up: trimmed, inner whitespace collapsed, lowercase. */
export function normaliseIdentity(value: string | number): string {
  return String(value).trim().replace(/\s+/g, " ").toLowerCase();
}

function identitiesOf(person: Person): { kind: IdentityKind; value: string; personId: string }[] {
  const all: [IdentityKind, readonly (string | number)[]][] = [
    ["login", person.logins],
    ["user_id", person.userIds],
    ["email", person.emails],
    ["name", person.names],
  ];
  return all.flatMap(([kind, values]) =>
    values
      .map((v) => normaliseIdentity(v))
      .filter((value) => value !== "")
      .map((value) => ({ kind, value, personId: person.id })),
  );
}

/**
 * Writes people and replaces each one's identities with those given. An identity belongs to one
 * person: written for another person, it moves to that person. Team memberships are written by
 * `setTeamMembers` (a Person's `teams` are not read here).
 */
export async function upsertPeople(db: Database, batch: readonly Person[]): Promise<number> {
  if (batch.length === 0) return 0;
  return db.transaction(async (tx) => {
    const written = await upsertRows(
      tx,
      people,
      batch.map((p) => ({ id: p.id, displayName: p.displayName })),
      { key: ["id"] },
    );
    for (const part of chunk(batch, 30_000)) {
      await tx.delete(personIdentities).where(
        inArray(
          personIdentities.personId,
          part.map((p) => p.id),
        ),
      );
    }
    await upsertRows(tx, personIdentities, batch.flatMap(identitiesOf), { key: ["kind", "value"] });
    return written;
  });
}

/** People with the given ids (all people when omitted), with identities and team slugs. */
export async function listPeople(db: Database, ids?: readonly string[]): Promise<Person[]> {
  const where = ids === undefined ? undefined : inArray(people.id, [...ids]);
  if (ids !== undefined && ids.length === 0) return [];
  const rows = await db.select().from(people).where(where).orderBy(asc(people.id));
  const identities = groupBy(
    await db
      .select()
      .from(personIdentities)
      .where(ids === undefined ? undefined : inArray(personIdentities.personId, [...ids]))
      .orderBy(asc(personIdentities.kind), asc(personIdentities.value)),
    (i) => i.personId,
  );
  const memberships = groupBy(
    await db
      .select()
      .from(teamMemberships)
      .where(ids === undefined ? undefined : inArray(teamMemberships.personId, [...ids]))
      .orderBy(asc(teamMemberships.teamSlug)),
    (m) => m.personId,
  );
  return rows.map((row) => {
    const own = identities.get(row.id) ?? [];
    const values = (kind: IdentityKind) => own.filter((i) => i.kind === kind).map((i) => i.value);
    return {
      id: row.id,
      displayName: row.displayName,
      logins: values("login"),
      userIds: values("user_id").map(Number),
      emails: values("email"),
      names: values("name"),
      teams: (memberships.get(row.id) ?? []).map((m) => m.teamSlug),
    };
  });
}

/** How the roster names a person: their current GitHub login and, when it has one, a display name. */
export interface RosterName {
  login: string | null;
  displayName: string | null;
}

/**
 * The roster's names of the people with the given ids, in one query (callers bound `ids`; the
 * read API takes at most 10,000). Ids not in the roster are absent from the map. The login is the
 * person's login identity (discovery replaces it when a login is renamed; stored lowercase, so
 * it is given as the display name spells it when that name is the login itself, the roster's
 * fallback for people without a name); a display name that is only the login is no name.
 */
export async function rosterNames(db: Database, ids: readonly string[]): Promise<Map<string, RosterName>> {
  const names = new Map<string, RosterName>();
  if (ids.length === 0) return names;
  const rows = await db
    .select({ id: people.id, displayName: people.displayName, login: personIdentities.value })
    .from(people)
    .leftJoin(personIdentities, and(eq(personIdentities.personId, people.id), eq(personIdentities.kind, "login")))
    .where(inArray(people.id, [...new Set(ids)]))
    .orderBy(asc(people.id), asc(personIdentities.value));
  for (const row of rows) {
    // One login per person; were there several, the first (alphabetical) is kept.
    if (names.has(row.id)) continue;
    const sameAsLogin = row.login !== null && row.displayName.toLowerCase() === row.login;
    names.set(row.id, {
      login: sameAsLogin ? row.displayName : row.login,
      displayName: sameAsLogin || row.displayName.trim() === "" ? null : row.displayName,
    });
  }
  return names;
}

/** Resolves identities to person ids; the map is keyed by `<kind>:<normalised value>`. */
export async function resolveIdentities(
  db: Database,
  wanted: readonly { kind: IdentityKind; value: string | number }[],
): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  const keys = [...new Set(wanted.map((w) => JSON.stringify([w.kind, normaliseIdentity(w.value)])))].map(
    (k) => JSON.parse(k) as [IdentityKind, string],
  );
  for (const part of chunk(keys, 30_000)) {
    const rows = await db
      .select()
      .from(personIdentities)
      .where(keysIn([personIdentities.kind, personIdentities.value], part));
    for (const row of rows) resolved.set(`${row.kind}:${row.value}`, row.personId);
  }
  return resolved;
}

export type NewBot = typeof bots.$inferInsert;

/** Writes automation accounts (logins are stored lowercase). */
export async function upsertBots(db: Database, batch: readonly NewBot[]): Promise<number> {
  return upsertRows(
    db,
    bots,
    batch.map((b) => ({ ...b, login: normaliseIdentity(b.login) })),
    { key: ["login"] },
  );
}

/** Writes teams. */
export async function upsertTeams(db: Database, batch: readonly Team[]): Promise<number> {
  return upsertRows(db, teams, batch, { key: ["org", "slug"] });
}

export interface TeamMembers {
  org: string;
  slug: string;
  personIds: readonly string[];
}

/** Replaces the member list of each given team (teams and people must already be stored). */
export async function setTeamMembers(db: Database, batch: readonly TeamMembers[]): Promise<void> {
  if (batch.length === 0) return;
  await db.transaction(async (tx) => {
    for (const part of chunk(batch, 30_000)) {
      await tx.delete(teamMemberships).where(
        keysIn(
          [teamMemberships.org, teamMemberships.teamSlug],
          part.map((t) => [t.org, t.slug]),
        ),
      );
    }
    const rows = batch.flatMap((t) =>
      [...new Set(t.personIds)].map((personId) => ({ org: t.org, teamSlug: t.slug, personId })),
    );
    await upsertRows(tx, teamMemberships, rows, { key: ["org", "teamSlug", "personId"], update: [] });
  });
}

/**
 * Removes the memberships of an organisation's teams other than `keep` (teams no longer read:
 * deleted, filtered out by `teams.include`, or gone from the mapping file), so that they are no
 * longer groups. The team rows stay (a stored rollup may name them).
 */
export async function dropTeamMembersExcept(db: Database, org: string, keep: readonly string[]): Promise<void> {
  await db
    .delete(teamMemberships)
    .where(
      keep.length === 0
        ? eq(teamMemberships.org, org)
        : and(eq(teamMemberships.org, org), notInArray(teamMemberships.teamSlug, [...keep])),
    );
}
