import type { IdentityKind } from "@yardstick/core";
import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { people } from "./people.js";

/**
 * One identity of a person: a GitHub login, a numeric user id, a commit email or a name seen in
 * a `Co-authored-by:` trailer. Natural key (kind, value); `value` is stored lowercase (the
 * check holds that line) so lookups are exact matches. An identity belongs to one person.
 */
export const personIdentities = pgTable(
  "person_identities",
  {
    kind: text().$type<IdentityKind>().notNull(),
    value: text().notNull(),
    personId: text()
      .notNull()
      .references(() => people.id, { onDelete: "cascade", onUpdate: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.value] }),
    check("person_identities_kind_check", sql`${t.kind} in ('login', 'user_id', 'email', 'name')`),
    check("person_identities_value_lowercase_check", sql`${t.value} = lower(${t.value})`),
    index("person_identities_value_idx").on(t.value),
    index("person_identities_person_idx").on(t.personId),
  ],
);
