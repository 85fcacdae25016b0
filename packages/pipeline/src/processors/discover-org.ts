import {
  isRepositorySelected,
  loadRosterFile,
  loadTeamMapping,
  type RosterFile,
  repositorySettings,
  type TeamMapping,
} from "@yardstick/config";
import type { Person, Team } from "@yardstick/core";
import {
  type Database,
  dropTeamMembersExcept,
  getSyncCursor,
  recordOrgMembers,
  setTeamMembers,
  upsertPeople,
  upsertRepositories,
  upsertSyncCursor,
  upsertTeams,
} from "@yardstick/db";
import { orgRepositories, orgRoster } from "@yardstick/github";
import type { Logger } from "@yardstick/log";
import { type Jobs, jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import { isRetryable, type JobContext, type PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";

/** A person's id: stable across login renames (GitHub's numeric user id), else the login. */
export function personIdFor(login: string, userId: number | null): string {
  return userId === null ? `login:${login.toLowerCase()}` : `github:${userId}`;
}

/** The sync cursor marking whether a discovery run's roster is stored (scope: the organisation, lowercase). */
export const ROSTER_STREAM = "roster";

/**
 * How long a run's attribution waits for that run's roster before it goes on with the roster as
 * stored (the previous discovery's, complete: a roster is stored in one transaction). The roster
 * job's own retries (8 attempts, backoff from 5 s) end well within it.
 */
export const ROSTER_WAIT_MS = 60 * 60_000;

/** How often a waiting attribution looks at the roster mark again. */
export const ROSTER_POLL_MS = 3_000;

function rosterScope(org: string): string {
  return org.toLowerCase();
}

/**
 * Discovers an organisation: enqueues the read of its roster (discover.roster, which another
 * worker takes at once), then reads its repositories a page at a time, storing each page's
 * selected repositories and enqueueing their syncs before reading the next page. The first
 * repositories sync while the rest of the list and the roster are still being read.
 *
 * The run's roster is marked pending first (unless this run marked it already: a retried or
 * restarted discovery leaves a done roster done), so that the run's attribution waits for it.
 */
export async function discoverOrg(
  payload: PayloadOf<Jobs, "discover.org">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const scope = rosterScope(payload.org);
  const mark = await getSyncCursor(deps.db, scope, ROSTER_STREAM);
  if (mark?.state.runId !== payload.runId) {
    await upsertSyncCursor(deps.db, {
      scope,
      stream: ROSTER_STREAM,
      state: { runId: payload.runId, status: "pending", since: deps.now() },
    });
  }
  await context.enqueue("discover.roster", { org: payload.org, runId: payload.runId });
  // usage.sources: imported once a run (one job id per run, whichever organisation enqueues it).
  if (deps.config.usage.sources.length > 0) await context.enqueue("usage.import", { runId: payload.runId });

  let repos = 0;
  let points = 0;
  for await (const page of orgRepositories(deps.github, { org: payload.org })) {
    points += page.cost.graphqlPoints;
    const selected = page.repositories.filter((r) => !r.archived && isRepositorySelected(deps.config, r.fullName));
    if (selected.length > 0) {
      await upsertRepositories(
        deps.db,
        selected.map((r) => {
          const settings = repositorySettings(deps.config, r.fullName);
          return {
            fullName: r.fullName,
            owner: r.owner,
            githubId: r.githubId,
            defaultBranch: r.defaultBranch,
            trackedBranch: settings.trackedBranch === "default" ? r.defaultBranch : settings.trackedBranch,
            deploymentMethod: settings.deployment.method,
            archived: r.archived,
          };
        }),
      );
    }
    deps.onProgress?.({ kind: "repos", org: payload.org, repos: selected.map((r) => r.fullName) });
    // sync.pulls reads each repository's markers and enqueues its branch and deployment syncs if they moved.
    for (const r of selected)
      await context.enqueue("sync.pulls", { repo: r.fullName, runId: payload.runId, since: null });
    repos += selected.length;
  }
  context.logger.info({ org: payload.org, repos, points }, "repositories discovered");
}

/**
 * Reads an organisation's roster (members, teams, memberships; members and teams at the same
 * time) and stores it in one transaction together with the run's roster mark: a killed or failed
 * read stores nothing, and the mark says done only when the whole roster is stored. A read that
 * fails for good marks the run's roster failed, so that its attribution stops waiting.
 */
export async function discoverRoster(
  payload: PayloadOf<Jobs, "discover.roster">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  try {
    await readAndStoreRoster(payload, context, deps);
  } catch (error) {
    if (!isRetryable(error) || context.attempt >= jobs["discover.roster"].options.attempts) {
      try {
        await markRoster(deps, deps.db, payload, "failed");
      } catch (markError) {
        context.logger.warn({ err: markError }, "the roster's failure could not be marked");
      }
    }
    throw error;
  }
}

/**
 * The configuration's data files, read at each roster read (an edit applies at the next sync). A
 * malformed file throws the InputError naming the file, line and field: final, nothing stored.
 */
async function readDataFiles(deps: PipelineDeps): Promise<{ teams: TeamMapping | null; roster: RosterFile | null }> {
  const { teams, roster } = deps.config;
  return {
    teams: teams.source === "file" && teams.file !== undefined ? await loadTeamMapping(teams.file) : null,
    roster: roster.source === "file" && roster.file !== undefined ? await loadRosterFile(roster.file) : null,
  };
}

async function readAndStoreRoster(
  payload: PayloadOf<Jobs, "discover.roster">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const files = await readDataFiles(deps);
  const found = await orgRoster(deps.github, { org: payload.org, teams: files.teams === null });
  const people = new Map<string, Person>();
  const byLogin = new Map<string, string>();
  for (const m of found.members) {
    const id = personIdFor(m.login, m.userId);
    byLogin.set(m.login.toLowerCase(), id);
    people.set(id, {
      id,
      displayName: m.name ?? m.login,
      logins: [m.login],
      userIds: m.userId === null ? [] : [m.userId],
      emails: [],
      names: m.name === null ? [] : [m.name],
      teams: [],
    });
  }
  // A login in a data file that is not a member of the organisation is left out (and named in the
  // log): a typo or a former member must not enter the roster, nor count in a team.
  const notMembers = new Set<string>();
  const memberId = (login: string): string | undefined => {
    const id = byLogin.get(login.toLowerCase());
    if (id === undefined) notMembers.add(login);
    return id;
  };
  // teams.source "file": the mapping file's teams, else the organisation's GitHub teams.
  const source: { team: Team; personIds: string[] }[] =
    files.teams === null
      ? found.teams.map(({ team, members }) => ({
          team,
          // A team member who is not an org member (an outside collaborator) is not on the roster.
          personIds: members.map((m) => personIdFor(m.login, m.userId)).filter((id) => people.has(id)),
        }))
      : Object.entries(files.teams).map(([slug, logins]) => ({
          team: { org: payload.org, slug, name: slug, parentSlug: null },
          personIds: logins.map(memberId).filter((id) => id !== undefined),
        }));
  // teams.include: only these teams, whichever the source.
  const include = deps.config.teams.include === undefined ? null : new Set(deps.config.teams.include);
  const teamList: Team[] = [];
  const memberships: { org: string; slug: string; personIds: string[] }[] = [];
  for (const { team, personIds } of source) {
    if (include !== null && !include.has(team.slug)) continue;
    teamList.push(team);
    const ids = [...new Set(personIds)];
    for (const id of ids) people.get(id)?.teams.push(team.slug);
    memberships.push({ org: payload.org, slug: team.slug, personIds: ids });
  }
  // roster.source "teams": only people in at least one team are reported on; "file": only the
  // listed logins (members of the organisation).
  const listed = files.roster === null ? null : new Set(files.roster.map(memberId));
  const roster = [...people.values()].filter((p) =>
    deps.config.roster.source === "teams" ? p.teams.length > 0 : listed === null || listed.has(p.id),
  );
  if (notMembers.size > 0) {
    context.logger.warn(
      { org: payload.org, logins: [...notMembers].sort() },
      "logins in the teams or roster file that are not members of the organisation were left out",
    );
  }

  const movement = await deps.db.transaction(async (tx) => {
    // A person or team the database refuses is quarantined; the rest of the roster is stored.
    const storedPeople = await storeEach(
      tx,
      roster,
      {
        kind: "person",
        scopeOf: () => payload.org,
        keyOf: (p) => p.id,
        now: deps.now(),
        store: async (db, items) => void (await upsertPeople(db, items)),
      },
      context.logger,
    );
    // GitHub keeps no membership dates: each discovery dates who joined and who left since the last.
    const moved = await recordOrgMembers(tx, {
      org: payload.org,
      personIds: storedPeople.map((p) => p.id),
      at: deps.now(),
      // Members were read, then filtered by a data file: none left means nobody is on the roster.
      // (Filtered by GitHub teams, none left may be a token that cannot read teams: nothing changes.)
      emptyIsNobody:
        found.members.length > 0 &&
        (deps.config.roster.source === "file" || (deps.config.roster.source === "teams" && files.teams !== null)),
    });
    const storedTeams = new Set(
      (
        await storeEach(
          tx,
          teamList,
          {
            kind: "team",
            scopeOf: (team) => team.org,
            keyOf: (team) => team.slug,
            now: deps.now(),
            store: async (db, items) => void (await upsertTeams(db, items)),
          },
          context.logger,
        )
      ).map((team) => team.slug),
    );
    const rostered = new Set(storedPeople.map((p) => p.id));
    // Teams no longer read lose their members; but no GitHub team at all may be a token that
    // cannot read teams, so then the stored memberships stay.
    if (files.teams !== null || found.teams.length > 0) {
      await dropTeamMembersExcept(
        tx,
        payload.org,
        teamList.map((team) => team.slug),
      );
    }
    await setTeamMembers(
      tx,
      memberships
        .filter((m) => storedTeams.has(m.slug))
        .map((m) => ({ ...m, personIds: m.personIds.filter((id) => rostered.has(id)) })),
    );
    await markRoster(deps, tx, payload, "done", [...notMembers].sort());
    return moved;
  });
  context.logger.info(
    {
      org: payload.org,
      people: roster.length,
      teams: teamList.length,
      joined: movement.joined,
      left: movement.left,
      points: found.cost.graphqlPoints,
      teamsFrom: files.teams === null ? "github" : "file",
      notMembers: notMembers.size,
    },
    "roster discovered",
  );
}

/**
 * Marks the run's roster done (with the data files' logins it left out, which the status route
 * shows) or failed, unless a later run has marked it since (its mark stays).
 */
async function markRoster(
  deps: PipelineDeps,
  db: Database,
  payload: PayloadOf<Jobs, "discover.roster">,
  status: "done" | "failed",
  leftOut: readonly string[] = [],
): Promise<void> {
  const scope = rosterScope(payload.org);
  const mark = await getSyncCursor(db, scope, ROSTER_STREAM);
  if (mark !== null && mark.state.runId !== payload.runId) return;
  await upsertSyncCursor(db, {
    scope,
    stream: ROSTER_STREAM,
    state: {
      runId: payload.runId,
      status,
      since: mark?.state.since ?? deps.now(),
      ...(leftOut.length === 0 ? {} : { leftOut: [...leftOut] }),
    },
    lastRunAt: deps.now(),
  });
}

/**
 * Whether run `runId`'s attribution of `repo` may read the roster now: null when it may (no
 * discovery of the repository's organisation in this run, or its roster is stored), else how long
 * to wait before looking again. A roster that failed for good, or is still pending after
 * ROSTER_WAIT_MS, is not waited for: attribution goes on with the roster as stored (the previous
 * discovery's, complete) and says so; the next run's attribution re-attributes every change.
 */
export async function rosterWaitMs(
  deps: Pick<PipelineDeps, "db" | "now">,
  repo: string,
  runId: string,
  logger: Logger,
): Promise<number | null> {
  return orgRosterWaitMs(deps, repo.split("/")[0] ?? repo, runId, logger);
}

/** `rosterWaitMs` for an organisation: null when run `runId` may read its roster now. */
export async function orgRosterWaitMs(
  deps: Pick<PipelineDeps, "db" | "now">,
  org: string,
  runId: string,
  logger: Logger,
): Promise<number | null> {
  const mark = await getSyncCursor(deps.db, rosterScope(org), ROSTER_STREAM);
  if (mark === null || mark.state.runId !== runId || mark.state.status === "done") return null;
  if (mark.state.status === "failed") {
    logger.warn({ org, runId }, "this run's roster read failed: attributing with the roster as stored");
    return null;
  }
  const waited = deps.now().getTime() - mark.state.since.getTime();
  if (waited >= ROSTER_WAIT_MS) {
    logger.warn(
      { org, runId, waitedMs: waited },
      "this run's roster is still not stored: attributing with the roster as stored",
    );
    return null;
  }
  return ROSTER_POLL_MS;
}
