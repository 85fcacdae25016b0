import { createHash, randomBytes } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { normaliseIdentity } from "./people.js";

/**
 * Personal data (docs/privacy.md): erasing a person's identities behind a pseudonymous key that
 * keeps every figure's counts, exporting what is held about a person, and dropping old raw text.
 */

/** Everything by which a person is known in the stored data (normalised: trimmed, lowercase). */
export interface PersonIdentities {
  /** The roster's person id, when the person is on it. */
  personId: string | null;
  displayName: string | null;
  logins: string[];
  userIds: number[];
  emails: string[];
  names: string[];
}

/** What `forgetPerson` did: the key the rows now carry and how many rows of each table changed. */
export interface ForgetResult {
  pseudonym: string;
  /** The person had been forgotten before (the same key was used again). */
  forgottenBefore: boolean;
  /** Rows changed per table (0 everywhere: nothing of them was left). */
  rows: Record<string, number>;
}

const sortedUnique = <T>(values: Iterable<T>): T[] => [...new Set(values)].sort();

/** SHA-256 of `<kind>:<normalised value>`, how forgotten identities are remembered. */
export function identityHash(kind: "login" | "user_id" | "email" | "name", value: string | number): string {
  return createHash("sha256")
    .update(`${kind}:${normaliseIdentity(value)}`)
    .digest("hex");
}

function hashesOf(ids: PersonIdentities): string[] {
  return sortedUnique([
    ...ids.logins.map((v) => identityHash("login", v)),
    ...ids.userIds.map((v) => identityHash("user_id", v)),
    ...ids.emails.map((v) => identityHash("email", v)),
    ...ids.names.map((v) => identityHash("name", v)),
  ]);
}

/** `expr in (values)`, false for none (a text list bound as one array parameter). */
function inText(expr: SQL, values: readonly string[]): SQL {
  if (values.length === 0) return sql`false`;
  return sql`${expr} = any(${sql.param([...values])}::text[])`;
}

function inBigint(expr: SQL, values: readonly number[]): SQL {
  if (values.length === 0) return sql`false`;
  return sql`${expr} = any(${sql.param(values.map(String))}::bigint[])`;
}

async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

async function count(db: Database, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { count?: number; affectedRows?: number } | unknown[];
  if (Array.isArray(result)) return (result as unknown as { count?: number }).count ?? result.length;
  return result.count ?? result.affectedRows ?? 0;
}

/**
 * Every identity of the person with this login: the roster's (person_identities), and what the
 * synced rows say about the same login (the numeric ids GitHub gave its pull requests and
 * commits, the names and emails of the commits GitHub linked to it, its co-author trailers).
 */
export async function findPersonIdentities(db: Database, login: string): Promise<PersonIdentities> {
  const wanted = normaliseIdentity(login);
  const [person] = await rows<{ person_id: string; display_name: string }>(
    db,
    sql`select p.id as person_id, p.display_name from person_identities i join people p on p.id = i.person_id
        where i.kind = 'login' and i.value = ${wanted}`,
  );
  const personId = person?.person_id ?? null;
  const identities =
    personId === null
      ? []
      : await rows<{ kind: string; value: string }>(
          db,
          sql`select kind, value from person_identities where person_id = ${personId}`,
        );
  const of = (kind: string) => identities.filter((i) => i.kind === kind).map((i) => i.value);
  const logins = sortedUnique([wanted, ...of("login")]);
  const linked = await rows<{ id: string | null; name: string | null; email: string | null }>(
    db,
    sql`select author_id::text as id, null as name, null as email from pull_requests where ${inText(sql`lower(author_login)`, logins)}
        union select merged_by_id::text, null, null from pull_requests where ${inText(sql`lower(merged_by_login)`, logins)}
        union select author_id::text, author_name, author_email from commits where ${inText(sql`lower(author_login)`, logins)}
        union select committer_id::text, committer_name, committer_email from commits where ${inText(sql`lower(committer_login)`, logins)}
        union select null, name, email from commit_co_authors where ${inText(sql`lower(login)`, logins)}`,
  );
  const userIds = sortedUnique([
    ...of("user_id").map(Number),
    ...linked.flatMap((r) => (r.id === null ? [] : [Number(r.id)])),
  ]);
  const emails = sortedUnique([
    ...of("email"),
    ...linked.flatMap((r) => (r.email === null ? [] : [normaliseIdentity(r.email)])),
  ]).filter((e) => e !== "");
  const names = sortedUnique([
    ...of("name"),
    ...(person === undefined ? [] : [normaliseIdentity(person.display_name)]),
    ...linked.flatMap((r) => (r.name === null ? [] : [normaliseIdentity(r.name)])),
  ]).filter((n) => n !== "");
  return { personId, displayName: person?.display_name ?? null, logins, userIds, emails, names };
}

/** A regular-expression (ARE) literal matching `value` exactly. */
function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/**
 * Whole-word occurrences of any of these values in text, case-insensitive (PostgreSQL ARE; `\m`
 * and `\M` are word boundaries, so "ann" does not match inside "annual"). Names shorter than 3
 * characters are left out: too likely to be ordinary words.
 */
function mentionPattern(ids: PersonIdentities): string | null {
  const values = sortedUnique([...ids.logins, ...ids.emails, ...ids.names.filter((n) => n.length >= 3)]).sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) return null;
  return `\\m(${values.map(escapeRegex).join("|")})\\M`;
}

/** A new pseudonymous key: `forgotten-` and 10 random hex digits (no relation to the person). */
export function newPseudonym(): string {
  return `forgotten-${randomBytes(5).toString("hex")}`;
}

/**
 * Erases a person's identities from every table that holds them and puts a pseudonymous key in
 * their place, so the figures keep their counts: the person row's id and name become the key
 * (memberships, usage and credited changes follow it), every login of theirs in pull requests,
 * commits, co-author trailers, changes, deployments, incident issues, usage records and API
 * tokens becomes the key (`key`, `key-2`, ... for a second login), every email
 * `key@forgotten.invalid`, every name the key, their numeric GitHub ids null, and whole-word
 * mentions of their logins, emails and names in PR titles and bodies, commit messages, incident
 * issues, verdict evidence and the stored rollups the key. The roster keeps one identity per
 * pseudonymous login and email, so attribution run again credits the same changes to the same
 * (pseudonymous) person. Hashes of the erased identities are kept (forgotten_people) so that
 * forgetting again is idempotent and reuses the key. One transaction.
 */
export async function forgetPerson(
  db: Database,
  login: string,
  options: { now: Date; pseudonym?: () => string },
): Promise<ForgetResult> {
  return db.transaction(async (tx) => {
    const ids = await findPersonIdentities(tx, login);
    const hashes = hashesOf(ids);
    const [known] = await rows<{ pseudonym: string }>(
      tx,
      sql`select pseudonym from forgotten_people where identity_hashes && ${sql.param(hashes)}::text[] order by forgotten_at limit 1`,
    );
    const forgottenBefore = known !== undefined;
    const key = known?.pseudonym ?? (options.pseudonym ?? newPseudonym)();
    // The key itself (from an earlier forget) is not an identity to erase.
    const logins = ids.logins.filter((l) => l !== key && !l.startsWith(`${key}-`));
    const emails = ids.emails.filter((e) => !e.endsWith("@forgotten.invalid"));
    const names = ids.names.filter((n) => n !== key);
    const own: PersonIdentities = { ...ids, logins, emails, names };
    const loginMap = logins.map((value, i) => [value, i === 0 ? key : `${key}-${i + 1}`] as const);
    const emailMap = emails.map(
      (value, i) => [value, `${i === 0 ? key : `${key}-${i + 1}`}@forgotten.invalid`] as const,
    );
    const mapped = (expr: SQL, pairs: readonly (readonly [string, string])[], fallback: string): SQL =>
      pairs.length === 0
        ? sql`${fallback}`
        : sql`(case ${sql.join(
            pairs.map(([from, to]) => sql`when ${expr} = ${from} then ${to}`),
            sql` `,
          )} else ${fallback} end)`;
    const asLogin = (expr: SQL) => mapped(sql`lower(${expr})`, loginMap, key);
    const asEmail = (expr: SQL) => mapped(sql`lower(${expr})`, emailMap, `${key}@forgotten.invalid`);
    const isLogin = (expr: SQL) => inText(sql`lower(${expr})`, logins);
    const isEmail = (expr: SQL) => inText(sql`lower(${expr})`, emails);
    const isName = (expr: SQL) => inText(sql`lower(${expr})`, names);
    const isUserId = (expr: SQL) => inBigint(expr, ids.userIds);
    const arrayOf = (column: SQL) =>
      sql`array(select case when ${isLogin(sql`x`)} then ${asLogin(sql`x`)} else x end from unnest(${column}) with ordinality as u(x, n) order by n)`;
    const pattern = mentionPattern(own);
    const scrub = (column: SQL) =>
      pattern === null ? column : sql`regexp_replace(${column}, ${pattern}, ${key}, 'gi')`;
    const mentions = (column: SQL) => (pattern === null ? sql`false` : sql`${column} ~* ${pattern}`);
    const changed: Record<string, number> = {};
    const run = async (table: string, query: SQL) => {
      changed[table] = (changed[table] ?? 0) + (await count(tx, query));
    };

    // The roster: the person row takes the key (memberships, usage and credits follow: on update cascade).
    if (ids.personId !== null && ids.personId !== key) {
      const [existing] = await rows<{ id: string }>(tx, sql`select id from people where id = ${key}`);
      if (existing === undefined) {
        await run(
          "people",
          sql`update people set id = ${key}, display_name = ${key}, updated_at = ${options.now.toISOString()}::timestamptz where id = ${ids.personId}`,
        );
      } else {
        // Brought back by a sync after an earlier forget: folded into the pseudonymous person.
        await run("people", sql`delete from person_identities where person_id = ${ids.personId}`);
        await tx.execute(sql`insert into team_memberships (org, team_slug, person_id)
          select org, team_slug, ${key} from team_memberships where person_id = ${ids.personId} on conflict do nothing`);
        await tx.execute(sql`insert into org_memberships (org, person_id, joined_at, left_at, first_seen_at, last_seen_at)
          select org, ${key}, joined_at, left_at, first_seen_at, last_seen_at from org_memberships where person_id = ${ids.personId} on conflict do nothing`);
        await run(
          "changes",
          sql`update changes set credited_person_id = ${key} where credited_person_id = ${ids.personId}`,
        );
        await run("usage_records", sql`update usage_records set person_id = ${key} where person_id = ${ids.personId}`);
        await run("people", sql`delete from people where id = ${ids.personId}`);
      }
      await run("rollup_changes", sql`update rollup_changes set person_id = ${key} where person_id = ${ids.personId}`);
      // The rollup worker's persisted state carries person ids in its facts: dropped whole (its
      // fingerprint covers the roster, so it would be rebuilt anyway).
      await run("rollup_kept_facts", sql`delete from rollup_kept_facts`);
      await tx.execute(sql`delete from rollup_kept`);
      await run(
        "quarantined_records",
        sql`update quarantined_records set record_key = ${key} where kind = 'person' and record_key = ${ids.personId}`,
      );
    }
    if (ids.personId !== null || forgottenBefore) {
      const pseudonymous = [
        ...loginMap.map(([, to]) => ({ kind: "login", value: to })),
        ...emailMap.map(([, to]) => ({ kind: "email", value: to })),
        { kind: "name", value: key },
      ];
      await tx.execute(sql`delete from person_identities where person_id = ${key} and kind in ('user_id', 'name', 'email', 'login')
        and not (value like ${`${key}%`})`);
      const [person] = await rows<{ id: string }>(tx, sql`select id from people where id = ${key}`);
      if (person !== undefined) {
        for (const identity of pseudonymous)
          await tx.execute(sql`insert into person_identities (kind, value, person_id) values (${identity.kind}, ${identity.value}, ${key})
            on conflict (kind, value) do update set person_id = excluded.person_id`);
      }
    }

    // What GitHub said, as synced.
    await run(
      "pull_requests",
      sql`update pull_requests set
        author_login = case when ${isLogin(sql`author_login`)} then ${asLogin(sql`author_login`)} else author_login end,
        author_id = case when ${isLogin(sql`author_login`)} or ${isUserId(sql`author_id`)} then null else author_id end,
        merged_by_login = case when ${isLogin(sql`merged_by_login`)} then ${asLogin(sql`merged_by_login`)} else merged_by_login end,
        merged_by_id = case when ${isLogin(sql`merged_by_login`)} or ${isUserId(sql`merged_by_id`)} then null else merged_by_id end,
        assignees = ${arrayOf(sql`assignees`)},
        review_requests = ${arrayOf(sql`review_requests`)},
        reviewers = ${arrayOf(sql`reviewers`)},
        title = ${scrub(sql`title`)},
        body = ${scrub(sql`body`)},
        head_ref = ${scrub(sql`head_ref`)}
      where ${isLogin(sql`author_login`)} or ${isUserId(sql`author_id`)} or ${isLogin(sql`merged_by_login`)} or ${isUserId(sql`merged_by_id`)}
        or exists (select 1 from unnest(assignees || review_requests || reviewers) x where ${isLogin(sql`x`)})
        or ${mentions(sql`title`)} or ${mentions(sql`body`)} or ${mentions(sql`head_ref`)}`,
    );
    const authorOf = (who: "author" | "committer") => {
      const login = sql.raw(`${who}_login`);
      const id = sql.raw(`${who}_id`);
      const email = sql.raw(`${who}_email`);
      return sql`(${isLogin(login)} or ${isUserId(id)} or ${isEmail(email)})`;
    };
    // The linked identities these commits hold, before they are rewritten (commit_author_identities follows below).
    const linkedBefore = await rows<{ login: string; email: string; name: string }>(
      tx,
      sql`select distinct author_login as login, author_email as email, author_name as name from commits
        where author_login is not null and ${authorOf("author")}`,
    );
    await run(
      "commits",
      sql`update commits set
        author_name = case when ${authorOf("author")} then ${key} else author_name end,
        author_email = case when ${authorOf("author")} then ${asEmail(sql`author_email`)} else author_email end,
        author_login = case when ${authorOf("author")} and author_login is not null then ${asLogin(sql`author_login`)} else author_login end,
        author_id = case when ${authorOf("author")} then null else author_id end,
        committer_name = case when ${authorOf("committer")} then ${key} else committer_name end,
        committer_email = case when ${authorOf("committer")} then ${asEmail(sql`committer_email`)} else committer_email end,
        committer_login = case when ${authorOf("committer")} and committer_login is not null then ${asLogin(sql`committer_login`)} else committer_login end,
        committer_id = case when ${authorOf("committer")} then null else committer_id end,
        message = ${scrub(sql`message`)}
      where ${authorOf("author")} or ${authorOf("committer")} or ${mentions(sql`message`)}`,
    );
    if (linkedBefore.length > 0) {
      // What attribution learns emails from holds what the commits now hold: the rewritten
      // identities go (unless a commit not rewritten still holds one), the pseudonymous come.
      await run(
        "commit_author_identities",
        sql`delete from commit_author_identities i
          using jsonb_to_recordset(${JSON.stringify(linkedBefore)}::jsonb) as b(login text, email text, name text)
          where i.login = b.login and i.email = b.email and i.name = b.name
            and not exists (select 1 from commits c where c.author_login = i.login and c.author_email = i.email and c.author_name = i.name)`,
      );
      await tx.execute(sql`insert into commit_author_identities (login, email, name)
        select distinct author_login, author_email, author_name from commits where author_login is not null and author_name = ${key}
        on conflict do nothing`);
    }
    await run(
      "commit_co_authors",
      sql`update commit_co_authors set name = ${key}, email = ${asEmail(sql`email`)},
        login = case when login is null then null else ${asLogin(sql`login`)} end
      where ${isLogin(sql`login`)} or ${isEmail(sql`email`)} or ${isName(sql`name`)}`,
    );
    await run(
      "changes",
      sql`update changes set
        credited_login = case when ${isLogin(sql`credited_login`)} then ${asLogin(sql`credited_login`)} else credited_login end,
        credit_reason = ${scrub(sql`credit_reason`)}
      where ${isLogin(sql`credited_login`)} or ${mentions(sql`credit_reason`)}`,
    );
    await run(
      "deployments",
      sql`update deployments set
        creator_login = case when ${isLogin(sql`creator_login`)} then ${asLogin(sql`creator_login`)} else creator_login end,
        ref = ${scrub(sql`ref`)}
      where ${isLogin(sql`creator_login`)} or ${mentions(sql`ref`)}`,
    );
    await run(
      "deployment_statuses",
      sql`update deployment_statuses set description = ${scrub(sql`description`)} where ${mentions(sql`description`)}`,
    );
    await run(
      "incident_issues",
      sql`update incident_issues set
        author_login = case when ${isLogin(sql`author_login`)} then ${asLogin(sql`author_login`)} else author_login end,
        title = ${scrub(sql`title`)}, body = ${scrub(sql`body`)}
      where ${isLogin(sql`author_login`)} or ${mentions(sql`title`)} or ${mentions(sql`body`)}`,
    );
    await run(
      "usage_records",
      sql`update usage_records set identity_value = case identity_kind
          when 'login' then ${asLogin(sql`identity_value`)} when 'email' then ${asEmail(sql`identity_value`)} else ${key} end
      where (identity_kind = 'login' and ${isLogin(sql`identity_value`)}) or (identity_kind = 'email' and ${isEmail(sql`identity_value`)})
        or (identity_kind = 'name' and ${isName(sql`identity_value`)}) or (identity_kind = 'user_id' and ${inText(sql`identity_value`, ids.userIds.map(String))})`,
    );
    await run("api_tokens", sql`update api_tokens set login = ${asLogin(sql`login`)} where ${isLogin(sql`login`)}`);
    if (pattern !== null) {
      // Evidence quoting a trailer or a mention; the stored rollups' named lists (replaced at the next full recompute too).
      await run(
        "attribution_verdicts",
        sql`update attribution_verdicts set evidence = regexp_replace(evidence::text, ${pattern}, ${key}, 'gi')::jsonb
          where evidence::text ~* ${pattern}`,
      );
      await run(
        "weekly_rollups",
        sql`update weekly_rollups set figures = regexp_replace(figures::text, ${pattern}, ${key}, 'gi')::jsonb
          where figures::text ~* ${pattern}`,
      );
      await run(
        "rollup_state",
        sql`update rollup_state set notes = regexp_replace(notes::text, ${pattern}, ${key}, 'gi')::jsonb
          where notes::text ~* ${pattern}`,
      );
    }
    if (ids.personId !== null && ids.personId !== key) {
      const idPattern = `\\m${escapeRegex(ids.personId)}\\M`;
      await run(
        "weekly_rollups",
        sql`update weekly_rollups set figures = regexp_replace(figures::text, ${idPattern}, ${key}, 'g')::jsonb
          where figures::text ~ ${idPattern}`,
      );
    }
    await tx.execute(sql`insert into forgotten_people (pseudonym, identity_hashes, forgotten_at, last_applied_at)
      values (${key}, ${sql.param(hashes)}::text[], ${options.now.toISOString()}::timestamptz, ${options.now.toISOString()}::timestamptz)
      on conflict (pseudonym) do update set
        identity_hashes = array(select distinct h from unnest(forgotten_people.identity_hashes || excluded.identity_hashes) h order by h),
        last_applied_at = excluded.last_applied_at`);
    return { pseudonym: key, forgottenBefore, rows: changed };
  });
}

/**
 * What Yardstick holds about the person with this login, as JSON-ready rows: the roster entry and
 * identities, memberships, the pull requests they opened, merged, were assigned or asked to
 * review, the commits they authored, committed or co-authored, the (login, email, name) triples
 * attribution learns their commit emails from (commit_author_identities, by their logins and
 * emails), the changes credited to them with their verdicts, the deployments they created,
 * incident issues they opened, usage and API tokens (names, roles, dates; never hashes).
 */
export async function exportPerson(db: Database, login: string): Promise<Record<string, unknown>> {
  const ids = await findPersonIdentities(db, login);
  const personId = ids.personId;
  const isLogin = (expr: SQL) => inText(sql`lower(${expr})`, ids.logins);
  const isEmail = (expr: SQL) => inText(sql`lower(${expr})`, ids.emails);
  const byPerson = (table: string) =>
    personId === null
      ? Promise.resolve([])
      : rows(db, sql`select * from ${sql.identifier(table)} where person_id = ${personId}`);
  return {
    login: normaliseIdentity(login),
    person:
      personId === null
        ? null
        : ((
            await rows(db, sql`select id, display_name, created_at, updated_at from people where id = ${personId}`)
          )[0] ?? null),
    identities:
      personId === null
        ? []
        : await rows(
            db,
            sql`select kind, value from person_identities where person_id = ${personId} order by kind, value`,
          ),
    knownAs: { logins: ids.logins, userIds: ids.userIds, emails: ids.emails, names: ids.names },
    teamMemberships: await byPerson("team_memberships"),
    orgMemberships: await byPerson("org_memberships"),
    pullRequests: await rows(
      db,
      sql`select * from pull_requests where ${isLogin(sql`author_login`)} or ${isLogin(sql`merged_by_login`)}
        or exists (select 1 from unnest(assignees || review_requests || reviewers) x where ${isLogin(sql`x`)})
        order by repo, number`,
    ),
    commits: await rows(
      db,
      sql`select * from commits where ${isLogin(sql`author_login`)} or ${isLogin(sql`committer_login`)}
        or ${isEmail(sql`author_email`)} or ${isEmail(sql`committer_email`)} order by repo, sha`,
    ),
    coAuthored: await rows(
      db,
      sql`select * from commit_co_authors where ${isLogin(sql`login`)} or ${isEmail(sql`email`)} order by repo, sha, position`,
    ),
    commitAuthorIdentities: await rows(
      db,
      sql`select login, email, name from commit_author_identities where ${isLogin(sql`login`)} or ${isEmail(sql`email`)}
        order by login, email, name`,
    ),
    creditedChanges: await rows(
      db,
      sql`select c.*, v.class as verdict_class, v.tool as verdict_tool, v.confidence as verdict_confidence, v.evidence as verdict_evidence
        from changes c left join attribution_verdicts v on v.subject_kind = 'change' and v.subject_key = c.key
        where ${personId === null ? sql`false` : sql`c.credited_person_id = ${personId}`} or ${isLogin(sql`c.credited_login`)}
        order by c.key`,
    ),
    deployments: await rows(
      db,
      sql`select * from deployments where ${isLogin(sql`creator_login`)} order by repo, created_at`,
    ),
    incidentIssues: await rows(
      db,
      sql`select * from incident_issues where ${isLogin(sql`author_login`)} order by repo, number`,
    ),
    usage: await rows(
      db,
      sql`select * from usage_records where ${personId === null ? sql`false` : sql`person_id = ${personId}`}
        or (identity_kind = 'login' and ${isLogin(sql`identity_value`)}) or (identity_kind = 'email' and ${isEmail(sql`identity_value`)})
        order by day, source, tool`,
    ),
    apiTokens: await rows(
      db,
      sql`select name, role, team, login, created_at, last_used_at, revoked_at, expires_at from api_tokens where ${isLogin(sql`login`)} order by name`,
    ),
  };
}

/** The lines of `column` that mention a revert (what the metrics read a revert from), the rest dropped. */
function revertLines(column: SQL): SQL {
  return sql`coalesce((select string_agg(line, E'\n' order by n) from regexp_split_to_table(${column}, E'\n') with ordinality as t(line, n)
    where line ~* 'revert'), '')`;
}

/**
 * Drops the raw text of pull requests merged, and commits committed, before `before`: PR bodies
 * and commit messages keep only their lines that mention a revert (the metrics read reverts from
 * them; every other line goes). Titles, verdicts and their evidence, co-author trailers and every
 * figure stay. Idempotent: text already dropped is not rewritten. Returns the rows changed.
 */
export async function dropExpiredText(db: Database, before: Date): Promise<{ pullRequests: number; commits: number }> {
  return db.transaction(async (tx) => {
    const pullRequests = await count(
      tx,
      sql`update pull_requests set body = ${revertLines(sql`body`)} where merged_at < ${before.toISOString()}::timestamptz and body <> ${revertLines(sql`body`)}`,
    );
    const commits = await count(
      tx,
      sql`update commits set message = ${revertLines(sql`message`)} where committed_at < ${before.toISOString()}::timestamptz and message <> ${revertLines(sql`message`)}`,
    );
    return { pullRequests, commits };
  });
}
