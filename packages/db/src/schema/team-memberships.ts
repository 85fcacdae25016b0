import { foreignKey, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { people } from "./people.js";
import { teams } from "./teams.js";

/** A person's membership of a team. A person may be in several teams and counts in each. */
export const teamMemberships = pgTable(
  "team_memberships",
  {
    org: text().notNull(),
    teamSlug: text().notNull(),
    personId: text()
      .notNull()
      .references(() => people.id, { onDelete: "cascade", onUpdate: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.org, t.teamSlug, t.personId] }),
    foreignKey({
      name: "team_memberships_team_fk",
      columns: [t.org, t.teamSlug],
      foreignColumns: [teams.org, teams.slug],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("team_memberships_person_idx").on(t.personId),
  ],
);
