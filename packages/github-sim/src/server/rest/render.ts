import { createHash } from "node:crypto";
import type { components } from "@octokit/openapi-types";
import type {
  SimCommit,
  SimDeployment,
  SimDeploymentStatus,
  SimFile,
  SimIssue,
  SimOrg,
  SimPull,
  SimRelease,
  SimRepo,
  SimReview,
  SimStore,
  SimTeam,
  SimUser,
  SimWorkflowRun,
} from "../store.js";

/**
 * REST bodies shaped like GitHub's, typed against `@octokit/openapi-types` so that a missing or
 * misnamed field fails the typecheck. URLs point at the simulator (`api`) and at a fake
 * `https://github.com` web host, as GitHub's point at api.github.com and github.com.
 */
type S = components["schemas"];

export interface RenderContext {
  /** The simulator's base URL, e.g. http://127.0.0.1:4123 */
  api: string;
  web: string;
  store: SimStore;
  /** Per-request memo (the same repository is embedded twice in each of 100 pulls). */
  memo?: Map<string, unknown>;
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function nodeId(prefix: string, id: number | string): string {
  return Buffer.from(`${prefix}${id}`).toString("base64");
}

export function renderUser(ctx: RenderContext, u: SimUser): S["simple-user"] {
  const url = `${ctx.api}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Bot" ? "04:Bot" : u.type === "Organization" ? "012:Organization" : "04:User", u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${ctx.web}/${u.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function renderLogin(ctx: RenderContext, login: string): S["simple-user"] {
  return renderUser(ctx, ctx.store.userOrGhost(login));
}

export function renderTeam(ctx: RenderContext, org: SimOrg, t: SimTeam): S["team"] {
  const url = `${ctx.api}/organizations/${org.id}/team/${t.id}`;
  const parent = t.parentSlug ? org.teams.find((x) => x.slug === t.parentSlug) : undefined;
  return {
    id: t.id,
    node_id: nodeId("04:Team", t.id),
    name: t.name,
    slug: t.slug,
    description: t.description,
    privacy: t.privacy,
    notification_setting: "notifications_enabled",
    permission: "pull",
    url,
    html_url: `${ctx.web}/orgs/${org.login}/teams/${t.slug}`,
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: "organization",
    organization_id: org.id,
    parent: parent
      ? {
          id: parent.id,
          node_id: nodeId("04:Team", parent.id),
          url: `${ctx.api}/organizations/${org.id}/team/${parent.id}`,
          members_url: `${ctx.api}/organizations/${org.id}/team/${parent.id}/members{/member}`,
          name: parent.name,
          description: parent.description,
          permission: "pull",
          privacy: parent.privacy,
          notification_setting: "notifications_enabled",
          html_url: `${ctx.web}/orgs/${org.login}/teams/${parent.slug}`,
          repositories_url: `${ctx.api}/organizations/${org.id}/team/${parent.id}/repos`,
          slug: parent.slug,
          type: "organization",
        }
      : null,
  };
}

function repoUrls(ctx: RenderContext, r: SimRepo) {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}`;
  return {
    html_url: `${ctx.web}/${full}`,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@github.com:${full}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${ctx.web}/${full}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: `${ctx.web}/${full}`,
  };
}

function ownerUser(ctx: RenderContext, r: SimRepo): S["simple-user"] {
  const org = ctx.store.org(r.owner);
  return renderUser(
    ctx,
    org
      ? { id: org.id, login: org.login, type: "Organization", name: org.name, email: null }
      : ctx.store.userOrGhost(r.owner),
  );
}

export function renderRepository(ctx: RenderContext, r: SimRepo): S["full-repository"] {
  return {
    id: r.id,
    node_id: nodeId("010:Repository", r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: ownerUser(ctx, r),
    private: r.private,
    description: r.description,
    fork: false,
    ...repoUrls(ctx, r),
    homepage: null,
    language: "TypeScript",
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1024,
    default_branch: r.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: r.private ? "private" : "public",
    pushed_at: iso(r.pushedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(r.pushedAt),
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

/** The `repository` shape embedded in pulls (head.repo, base.repo). */
export function renderRepoEmbedded(ctx: RenderContext, r: SimRepo): S["repository"] {
  const key = `repo:${r.id}`;
  const hit = ctx.memo?.get(key);
  if (hit) return hit as S["repository"];
  const { network_count: _n, subscribers_count: _s, ...rest } = renderRepository(ctx, r);
  ctx.memo?.set(key, rest);
  return rest as S["repository"];
}

export function renderMinimalRepository(ctx: RenderContext, r: SimRepo): S["minimal-repository"] {
  const { temp_clone_token: _t, license: _l, ...rest } = renderRepository(ctx, r);
  return rest;
}

function gitActor(a: SimCommit["author"]) {
  return { name: a.name, email: a.email, date: iso(a.date) };
}

/** `patch`: the file's unified diff (pulls/{n}/files), null when GitHub serves none, undefined to leave it out. */
export function renderFile(
  ctx: RenderContext,
  r: SimRepo,
  sha: string,
  f: SimFile,
  patch?: string | null,
): S["diff-entry"] {
  const path = encodeURI(f.filename);
  return {
    sha: createHash("sha1").update(`${sha}:${f.filename}`).digest("hex"),
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${ctx.web}/${r.owner}/${r.name}/blob/${sha}/${path}`,
    raw_url: `${ctx.web}/${r.owner}/${r.name}/raw/${sha}/${path}`,
    contents_url: `${ctx.api}/repos/${r.owner}/${r.name}/contents/${path}?ref=${sha}`,
    ...(typeof patch === "string" ? { patch } : {}),
  };
}

export function renderCommit(ctx: RenderContext, r: SimRepo, c: SimCommit, withFiles: boolean): S["commit"] {
  const url = `${ctx.api}/repos/${r.owner}/${r.name}/commits/${c.sha}`;
  const linked = (login: string | null) => (login ? renderLogin(ctx, login) : null);
  const tree = createHash("sha1").update(`tree:${c.sha}`).digest("hex");
  const out: S["commit"] = {
    sha: c.sha,
    node_id: nodeId("06:Commit", c.sha),
    commit: {
      author: gitActor(c.author),
      committer: gitActor(c.committer),
      message: c.message,
      tree: { sha: tree, url: `${ctx.api}/repos/${r.owner}/${r.name}/git/trees/${tree}` },
      url: `${ctx.api}/repos/${r.owner}/${r.name}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    url,
    html_url: `${ctx.web}/${r.owner}/${r.name}/commit/${c.sha}`,
    comments_url: `${url}/comments`,
    author: linked(c.author.login),
    committer: linked(c.committer.login),
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${ctx.api}/repos/${r.owner}/${r.name}/commits/${p}`,
      html_url: `${ctx.web}/${r.owner}/${r.name}/commit/${p}`,
    })),
  };
  if (withFiles) {
    out.stats = { total: c.additions + c.deletions, additions: c.additions, deletions: c.deletions };
    out.files = c.files.map((f) => renderFile(ctx, r, c.sha, f));
  }
  return out;
}

function label(ctx: RenderContext, r: SimRepo, name: string) {
  const h = createHash("sha1").update(`${r.id}:${name}`).digest();
  const id = h.readUInt32BE(0);
  return {
    id,
    node_id: nodeId("05:Label", id),
    url: `${ctx.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: "",
    color: h.toString("hex").slice(0, 6),
    default: false,
  };
}

export function renderPullSimple(ctx: RenderContext, r: SimRepo, p: SimPull): S["pull-request-simple"] {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}/pulls/${p.number}`;
  const issue = `${ctx.api}/repos/${full}/issues/${p.number}`;
  const html = `${ctx.web}/${full}/pull/${p.number}`;
  const repoJson = renderRepoEmbedded(ctx, r);
  const author = renderLogin(ctx, p.author);
  const assignees = p.assignees.map((l) => renderLogin(ctx, l));
  return {
    url,
    id: p.id,
    node_id: nodeId("011:PullRequest", p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${ctx.api}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${ctx.api}/repos/${full}/statuses/${p.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: author,
    body: p.body === "" ? null : p.body,
    labels: p.labels.map((l) => label(ctx, r, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    closed_at: p.closedAt === null ? null : iso(p.closedAt),
    merged_at: p.mergedAt === null ? null : iso(p.mergedAt),
    merge_commit_sha: p.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: p.requestedReviewers.map((l) => renderLogin(ctx, l)),
    requested_teams: p.requestedTeams.flatMap((slug) => {
      const org = ctx.store.org(r.owner);
      const t = org?.teams.find((x) => x.slug === slug);
      return org && t ? [renderTeam(ctx, org, t)] : [];
    }),
    head: { label: `${r.owner}:${p.headRef}`, ref: p.headRef, sha: p.headSha, user: author, repo: repoJson },
    base: { label: `${r.owner}:${p.baseRef}`, ref: p.baseRef, sha: p.baseSha, user: ownerUser(ctx, r), repo: repoJson },
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${ctx.api}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${ctx.api}/repos/${full}/statuses/${p.headSha}` },
    },
    author_association: "MEMBER",
    auto_merge: null,
    draft: p.draft,
  };
}

/** An issue as `GET /repos/{o}/{r}/issues` lists it. */
export function renderIssue(ctx: RenderContext, r: SimRepo, i: SimIssue): S["issue"] {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId("05:Issue", i.id),
    url,
    repository_url: `${ctx.api}/repos/${full}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${ctx.web}/${full}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.state === "closed" ? "completed" : null,
    title: i.title,
    body: i.body === "" ? null : i.body,
    user: renderLogin(ctx, i.author),
    labels: i.labels.map((l) => label(ctx, r, l)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: i.comments,
    closed_at: i.closedAt === null ? null : iso(i.closedAt),
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    author_association: "MEMBER",
    timeline_url: `${url}/timeline`,
  };
}

/** A pull request as `GET /repos/{o}/{r}/issues` lists it: an issue with a `pull_request` key. */
export function renderPullAsIssue(ctx: RenderContext, r: SimRepo, p: SimPull): S["issue"] {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}/issues/${p.number}`;
  const html = `${ctx.web}/${full}/pull/${p.number}`;
  const assignees = p.assignees.map((l) => renderLogin(ctx, l));
  return {
    id: p.id,
    node_id: nodeId("011:PullRequest", p.id),
    url,
    repository_url: `${ctx.api}/repos/${full}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: p.number,
    state: p.state,
    state_reason: null,
    title: p.title,
    body: p.body === "" ? null : p.body,
    user: renderLogin(ctx, p.author),
    labels: p.labels.map((l) => label(ctx, r, l)),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    pull_request: {
      url: `${ctx.api}/repos/${full}/pulls/${p.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: p.mergedAt === null ? null : iso(p.mergedAt),
    },
    closed_at: p.closedAt === null ? null : iso(p.closedAt),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    draft: p.draft,
    author_association: "MEMBER",
    timeline_url: `${url}/timeline`,
  };
}

export function renderPull(ctx: RenderContext, r: SimRepo, p: SimPull): S["pull-request"] {
  const simple = renderPullSimple(ctx, r, p);
  return {
    ...simple,
    state: p.state,
    user: renderLogin(ctx, p.author),
    head: { ...simple.head, user: renderLogin(ctx, p.author) },
    base: { ...simple.base, user: ownerUser(ctx, r) },
    merged: p.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: p.mergedBy ? renderLogin(ctx, p.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: p.commits.length,
    additions: p.additions,
    deletions: p.deletions,
    changed_files: p.files.length,
  };
}

export function renderReview(ctx: RenderContext, r: SimRepo, p: SimPull, v: SimReview): S["pull-request-review"] {
  const html = `${ctx.web}/${r.owner}/${r.name}/pull/${p.number}`;
  return {
    id: v.id,
    node_id: nodeId("017:PullRequestReview", v.id),
    user: renderLogin(ctx, v.user),
    body: v.body,
    state: v.state,
    html_url: `${html}#pullrequestreview-${v.id}`,
    pull_request_url: `${ctx.api}/repos/${r.owner}/${r.name}/pulls/${p.number}`,
    _links: {
      html: { href: `${html}#pullrequestreview-${v.id}` },
      pull_request: { href: `${ctx.api}/repos/${r.owner}/${r.name}/pulls/${p.number}` },
    },
    submitted_at: iso(v.submittedAt),
    commit_id: p.headSha,
    author_association: "MEMBER",
  };
}

export function renderDeployment(ctx: RenderContext, r: SimRepo, d: SimDeployment): S["deployment"] {
  const url = `${ctx.api}/repos/${r.owner}/${r.name}/deployments/${d.id}`;
  const updated = d.statuses.at(-1)?.createdAt ?? d.createdAt;
  return {
    url,
    id: d.id,
    node_id: nodeId("010:Deployment", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: renderLogin(ctx, d.creator),
    created_at: iso(d.createdAt),
    updated_at: iso(updated),
    statuses_url: `${url}/statuses`,
    repository_url: `${ctx.api}/repos/${r.owner}/${r.name}`,
    transient_environment: false,
    production_environment: d.environment === "production",
  };
}

export function renderDeploymentStatus(
  ctx: RenderContext,
  r: SimRepo,
  d: SimDeployment,
  s: SimDeploymentStatus,
): S["deployment-status"] {
  const durl = `${ctx.api}/repos/${r.owner}/${r.name}/deployments/${d.id}`;
  return {
    url: `${durl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("016:DeploymentStatus", s.id),
    state: s.state,
    creator: renderLogin(ctx, s.creator),
    description: s.description,
    environment: d.environment,
    target_url: s.logUrl,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    deployment_url: durl,
    repository_url: `${ctx.api}/repos/${r.owner}/${r.name}`,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

export function renderRelease(ctx: RenderContext, r: SimRepo, rel: SimRelease): S["release"] {
  const url = `${ctx.api}/repos/${r.owner}/${r.name}/releases/${rel.id}`;
  return {
    url,
    html_url: `${ctx.web}/${r.owner}/${r.name}/releases/tag/${encodeURIComponent(rel.tagName)}`,
    assets_url: `${url}/assets`,
    upload_url: `https://uploads.github.com/repos/${r.owner}/${r.name}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: `${ctx.api}/repos/${r.owner}/${r.name}/tarball/${rel.tagName}`,
    zipball_url: `${ctx.api}/repos/${r.owner}/${r.name}/zipball/${rel.tagName}`,
    id: rel.id,
    node_id: nodeId("07:Release", rel.id),
    tag_name: rel.tagName,
    target_commitish: rel.targetCommitish,
    name: rel.name,
    body: rel.body,
    draft: rel.draft,
    prerelease: rel.prerelease,
    created_at: iso(rel.createdAt),
    published_at: rel.publishedAt === null ? null : iso(rel.publishedAt),
    author: renderLogin(ctx, rel.author),
    assets: [],
  };
}

export function renderTag(ctx: RenderContext, r: SimRepo, { name, sha }: { name: string; sha: string }): S["tag"] {
  return {
    name,
    commit: { sha, url: `${ctx.api}/repos/${r.owner}/${r.name}/commits/${sha}` },
    zipball_url: `${ctx.api}/repos/${r.owner}/${r.name}/zipball/refs/tags/${name}`,
    tarball_url: `${ctx.api}/repos/${r.owner}/${r.name}/tarball/refs/tags/${name}`,
    node_id: nodeId("03:Ref", `${r.id}:refs/tags/${name}`),
  };
}

export function renderWorkflowRun(ctx: RenderContext, r: SimRepo, w: SimWorkflowRun): S["workflow-run"] {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}/actions/runs/${w.id}`;
  const head = ctx.store.commit(r, w.headSha);
  const minimal = renderMinimalRepository(ctx, r);
  return {
    id: w.id,
    name: w.name,
    node_id: nodeId("011:WorkflowRun", w.id),
    check_suite_id: w.id + 1,
    check_suite_node_id: nodeId("014:CheckSuite", w.id + 1),
    head_branch: w.headBranch,
    head_sha: w.headSha,
    path: w.path,
    display_title: head ? (head.message.split("\n")[0] ?? w.name) : w.name,
    run_number: w.runNumber,
    run_attempt: w.runAttempt,
    event: w.event,
    status: w.status,
    conclusion: w.conclusion,
    workflow_id: w.workflowId,
    url,
    html_url: `${ctx.web}/${full}/actions/runs/${w.id}`,
    pull_requests: [],
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
    run_started_at: iso(w.createdAt),
    actor: renderLogin(ctx, w.actor),
    triggering_actor: renderLogin(ctx, w.actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${ctx.api}/repos/${full}/check-suites/${w.id + 1}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${ctx.api}/repos/${full}/actions/workflows/${w.workflowId}`,
    head_commit: head
      ? {
          id: head.sha,
          tree_id: createHash("sha1").update(`tree:${head.sha}`).digest("hex"),
          message: head.message,
          timestamp: iso(head.committer.date),
          author: { name: head.author.name, email: head.author.email },
          committer: { name: head.committer.name, email: head.committer.email },
        }
      : null,
    repository: minimal,
    head_repository: minimal,
  };
}
