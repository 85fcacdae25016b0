import { isRepositorySelected, repositorySettings } from "@yardstick/config";
import type { Person, Team } from "@yardstick/core";
import { setTeamMembers, upsertPeople, upsertRepositories, upsertTeams } from "@yardstick/db";
import { orgMembers, teams } from "@yardstick/github";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** A person's id: stable across login renames (GitHub's numeric user id), else the login. */
export function personIdFor(login: string, userId: number | null): string {
  return userId === null ? `login:${login.toLowerCase()}` : `github:${userId}`;
}

/**
 * Discovers an organisation's repositories (those the configuration selects) and its roster
 * (members, teams, memberships), then enqueues each repository's syncs.
 */
export async function discoverOrg(
  payload: PayloadOf<Jobs, "discover.org">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const { octokit } = deps.github;
  const repos = await octokit.paginate(octokit.rest.repos.listForOrg, { org: payload.org, type: "all", per_page: 100 });
  const selected = repos.filter((r) => !r.archived && isRepositorySelected(deps.config, r.full_name));
  await upsertRepositories(
    deps.db,
    selected.map((r) => {
      const settings = repositorySettings(deps.config, r.full_name);
      return {
        fullName: r.full_name,
        owner: r.owner.login,
        githubId: r.id,
        defaultBranch: r.default_branch ?? null,
        trackedBranch: settings.trackedBranch === "default" ? (r.default_branch ?? null) : settings.trackedBranch,
        deploymentMethod: settings.deployment.method,
        archived: r.archived ?? false,
      };
    }),
  );
  deps.onProgress?.({ kind: "repos", org: payload.org, repos: selected.map((r) => r.full_name) });

  const people = new Map<string, Person>();
  for await (const page of orgMembers(deps.github, { org: payload.org })) {
    for (const m of page.members) {
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
  }
  const teamList: Team[] = [];
  const memberships: { org: string; slug: string; personIds: string[] }[] = [];
  for await (const page of teams(deps.github, { org: payload.org })) {
    for (const { team, members } of page.teams) {
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
  }
  // roster.source "teams": only people in at least one team are reported on.
  const roster =
    deps.config.roster.source === "teams"
      ? [...people.values()].filter((p) => p.teams.length > 0)
      : [...people.values()];
  await upsertPeople(deps.db, roster);
  await upsertTeams(deps.db, teamList);
  const rostered = new Set(roster.map((p) => p.id));
  await setTeamMembers(
    deps.db,
    memberships.map((m) => ({ ...m, personIds: m.personIds.filter((id) => rostered.has(id)) })),
  );
  context.logger.info(
    { org: payload.org, repos: selected.length, people: roster.length, teams: teamList.length },
    "discovered",
  );

  for (const r of selected) {
    await context.enqueue("sync.pulls", { repo: r.full_name, runId: payload.runId, since: null });
    await context.enqueue("sync.branch", { repo: r.full_name, runId: payload.runId });
  }
}
