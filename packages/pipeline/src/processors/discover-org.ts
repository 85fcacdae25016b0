import { isRepositorySelected, repositorySettings } from "@yardstick/config";
import type { Person, Team } from "@yardstick/core";
import { recordOrgMembers, setTeamMembers, upsertPeople, upsertRepositories, upsertTeams } from "@yardstick/db";
import { orgDiscovery } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { storeEach } from "../quarantine.js";

/** A person's id: stable across login renames (GitHub's numeric user id), else the login. */
export function personIdFor(login: string, userId: number | null): string {
  return userId === null ? `login:${login.toLowerCase()}` : `github:${userId}`;
}

/**
 * Discovers an organisation's repositories (those the configuration selects) and its roster
 * (members, teams, memberships) with one GraphQL query, then enqueues each repository's sync.
 */
export async function discoverOrg(
  payload: PayloadOf<Jobs, "discover.org">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  // Repositories, members and teams in one GraphQL query (1 point) for up to 100 of each.
  const found = await orgDiscovery(deps.github, { org: payload.org });
  const selected = found.repositories.filter((r) => !r.archived && isRepositorySelected(deps.config, r.fullName));
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
  deps.onProgress?.({ kind: "repos", org: payload.org, repos: selected.map((r) => r.fullName) });

  const people = new Map<string, Person>();
  for (const m of found.members) {
    const id = personIdFor(m.login, m.userId);
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
  const teamList: Team[] = [];
  const memberships: { org: string; slug: string; personIds: string[] }[] = [];
  for (const { team, members } of found.teams) {
    teamList.push(team);
    const ids: string[] = [];
    for (const m of members) {
      const id = personIdFor(m.login, m.userId);
      const person = people.get(id);
      // A team member who is not an org member (an outside collaborator) is not on the roster.
      if (person === undefined) continue;
      person.teams.push(team.slug);
      ids.push(id);
    }
    memberships.push({ org: payload.org, slug: team.slug, personIds: ids });
  }
  // roster.source "teams": only people in at least one team are reported on.
  const roster =
    deps.config.roster.source === "teams"
      ? [...people.values()].filter((p) => p.teams.length > 0)
      : [...people.values()];
  // A person or team the database refuses is quarantined; the rest of the roster is stored.
  const storedPeople = await storeEach(
    deps.db,
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
  const movement = await recordOrgMembers(deps.db, {
    org: payload.org,
    personIds: storedPeople.map((p) => p.id),
    at: deps.now(),
  });
  const storedTeams = new Set(
    (
      await storeEach(
        deps.db,
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
  await setTeamMembers(
    deps.db,
    memberships
      .filter((m) => storedTeams.has(m.slug))
      .map((m) => ({ ...m, personIds: m.personIds.filter((id) => rostered.has(id)) })),
  );
  context.logger.info(
    {
      org: payload.org,
      repos: selected.length,
      people: roster.length,
      teams: teamList.length,
      joined: movement.joined,
      left: movement.left,
    },
    "discovered",
  );

  // sync.pulls reads each repository's markers and enqueues its branch and deployment syncs if they moved.
  for (const r of selected)
    await context.enqueue("sync.pulls", { repo: r.fullName, runId: payload.runId, since: null });
}
