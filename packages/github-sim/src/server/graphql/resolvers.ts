import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { iso, nodeId } from "../rest/render.js";
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
  SimStore,
  SimTeam,
  SimUser,
} from "../store.js";

/**
 * Resolvers for the subset of GitHub's schema the ingest queries. Objects carry `__typename`
 * (graphql-js's default type resolver reads it for interfaces and unions such as `Actor` and
 * `GitObject`) and expose arguments-taking fields as methods, which graphql-js's default field
 * resolver calls with the field's arguments. Fields of the schema not listed here resolve to
 * null (or fail non-null checks), which tests of the product would catch.
 */
export interface GraphqlContext {
  store: SimStore;
  web: string;
  viewer: { login: string; userId: number };
  rate: { cost: number; limit: number; remaining: number; used: number; resetAt: string; nodeCount: number };
}

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

type Obj = Record<string, unknown>;

/**
 * `databaseId` is a GraphQL `Int` (32-bit): ids above 2^31-1 (GitHub's PR and review ids today)
 * do not fit, which is why GitHub added `fullDatabaseId: BigInt`. Such ids resolve to null here.
 */
function int32(id: number): number | null {
  return id <= 2_147_483_647 ? id : null;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`cursor:v2:${offset}`).toString("base64");
}

function decodeCursor(cursor: string | null | undefined, argName: string): number | null {
  if (cursor === null || cursor === undefined) return null;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!m) {
    throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`, {
      extensions: { type: "INVALID_CURSOR_ARGUMENTS", argumentName: argName },
    });
  }
  return Number(m[1]);
}

/**
 * A cursor connection over `total` items fetched by index. Cursors are opaque base64 offsets:
 * stable while the list does not change (live changes append to the end of ascending orders).
 */
export function connection<T>(
  total: number,
  at: (i: number) => T | undefined,
  args: PageArgs,
  node: (x: T, i: number) => unknown,
  extra: (x: T) => Obj = () => ({}),
): Obj {
  let start = 0;
  let end = total;
  const after = decodeCursor(args.after, "after");
  const before = decodeCursor(args.before, "before");
  if (after !== null) start = Math.min(total, after + 1);
  if (before !== null) end = Math.max(start, Math.min(end, before));
  if (typeof args.first === "number") end = Math.min(end, start + args.first);
  if (typeof args.last === "number") start = Math.max(start, end - args.last);
  const rows: { cursor: string; node: unknown; x: T }[] = [];
  for (let i = start; i < end; i++) {
    const x = at(i);
    if (x !== undefined) rows.push({ cursor: encodeCursor(i), node: node(x, i), x });
  }
  return {
    totalCount: total,
    nodes: rows.map((r) => r.node),
    edges: rows.map((r) => ({ cursor: r.cursor, node: r.node, ...extra(r.x) })),
    pageInfo: {
      hasNextPage: end < total,
      hasPreviousPage: start > 0,
      startCursor: rows[0]?.cursor ?? null,
      endCursor: rows.at(-1)?.cursor ?? null,
    },
  };
}

function arrayConnection<T>(items: readonly T[], args: PageArgs, node: (x: T) => unknown, extra?: (x: T) => Obj): Obj {
  return connection(items.length, (i) => items[i], args, node, extra);
}

export function actorNode(ctx: GraphqlContext, u: SimUser): Obj {
  const typename = u.type === "Bot" ? "Bot" : u.type === "Organization" ? "Organization" : "User";
  return {
    __typename: typename,
    id: nodeId(typename === "Bot" ? "04:Bot" : "04:User", u.id),
    databaseId: int32(u.id),
    fullDatabaseId: String(u.id),
    login: u.login,
    name: u.name,
    email: u.email ?? "",
    url: `${ctx.web}/${u.login}`,
    avatarUrl: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    resourcePath: `/${u.login}`,
  };
}

function actorByLogin(ctx: GraphqlContext, login: string | null): Obj | null {
  return login ? actorNode(ctx, ctx.store.userOrGhost(login)) : null;
}

function gitActor(ctx: GraphqlContext, a: { name: string; email: string; date: number; login: string | null }): Obj {
  return {
    name: a.name,
    email: a.email,
    date: iso(a.date),
    user: a.login ? actorByLogin(ctx, a.login) : null,
    avatarUrl: "https://avatars.githubusercontent.com/u/0?v=4",
  };
}

const CO_AUTHOR = /^co-authored-by:\s*(.+?)\s*<([^>]+)>\s*$/gim;

function noreplyLogin(email: string): string | null {
  return /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email)?.[1] ?? null;
}

/** `Commit.authors`: the git author, then each `Co-authored-by:` trailer (deduplicated by email). */
function commitAuthors(ctx: GraphqlContext, c: SimCommit): Obj[] {
  const seen = new Set<string>([c.author.email.toLowerCase()]);
  const out = [gitActor(ctx, c.author)];
  for (const m of c.message.matchAll(CO_AUTHOR)) {
    const name = m[1] ?? "";
    const email = m[2] ?? "";
    if (seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    const login = ctx.store.userByEmail(email)?.login ?? noreplyLogin(email);
    const known = login ? ctx.store.user(login) : undefined;
    out.push(gitActor(ctx, { name, email, date: c.author.date, login: known ? known.login : null }));
  }
  return out;
}

export function commitNode(ctx: GraphqlContext, repo: SimRepo, c: SimCommit): Obj {
  const [headline = "", ...rest] = c.message.split("\n");
  const url = `${ctx.web}/${repo.fullName}/commit/${c.sha}`;
  return {
    __typename: "Commit",
    id: nodeId("06:Commit", c.sha),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: headline,
    messageBody: rest.join("\n").replace(/^\n+/, ""),
    authoredDate: iso(c.author.date),
    committedDate: iso(c.committer.date),
    pushedDate: null,
    author: gitActor(ctx, c.author),
    committer: gitActor(ctx, c.committer),
    additions: c.additions,
    deletions: c.deletions,
    changedFiles: c.files.length,
    changedFilesIfAvailable: c.files.length,
    url,
    commitUrl: url,
    resourcePath: `/${repo.fullName}/commit/${c.sha}`,
    authoredByCommitter: c.author.email === c.committer.email,
    committedViaWeb: c.committer.email === "noreply@github.com",
    repository: () => repoNode(ctx, repo),
    authors: (args: PageArgs) => arrayConnection(commitAuthors(ctx, c), args, (a) => a),
    parents: (args: PageArgs) =>
      arrayConnection(c.parents, args, (sha) => {
        const p = ctx.store.commit(repo, sha);
        return p ? commitNode(ctx, repo, p) : { __typename: "Commit", oid: sha, abbreviatedOid: sha.slice(0, 7) };
      }),
    history: (args: PageArgs & { since?: string | null; until?: string | null }) =>
      historyConnection(ctx, repo, c.sha, args),
  };
}

function historyConnection(
  ctx: GraphqlContext,
  repo: SimRepo,
  sha: string,
  args: PageArgs & { since?: string | null; until?: string | null },
): Obj {
  const h = ctx.store.historyIndex(repo, sha);
  const since = args.since ? Date.parse(args.since) : null;
  const until = args.until ? Date.parse(args.until) : null;
  let shas: readonly string[] = h.shas;
  if (since !== null || until !== null) {
    shas = h.shas.filter((_, i) => {
      const d = h.dates[i] as number;
      return (since === null || d >= since) && (until === null || d <= until);
    });
  }
  return connection(
    shas.length,
    (i) => shas[i],
    args,
    (s) => {
      const c = ctx.store.commit(repo, s);
      return c ? commitNode(ctx, repo, c) : null;
    },
  );
}

function fileNode(f: SimFile): Obj {
  const changeType: Record<SimFile["status"], string> = {
    added: "ADDED",
    removed: "DELETED",
    modified: "MODIFIED",
    renamed: "RENAMED",
    copied: "COPIED",
    changed: "CHANGED",
    unchanged: "MODIFIED",
  };
  return { path: f.filename, additions: f.additions, deletions: f.deletions, changeType: changeType[f.status] };
}

function labelNode(repo: SimRepo, name: string): Obj {
  return {
    __typename: "Label",
    id: nodeId("05:Label", `${repo.id}:${name}`),
    name,
    color: "ededed",
    description: null,
  };
}

export function issueNode(ctx: GraphqlContext, repo: SimRepo, i: SimIssue): Obj {
  const url = `${ctx.web}/${repo.fullName}/issues/${i.number}`;
  return {
    __typename: "Issue",
    id: nodeId("05:Issue", i.id),
    databaseId: int32(i.id),
    fullDatabaseId: String(i.id),
    number: i.number,
    title: i.title,
    body: i.body,
    bodyText: i.body,
    url,
    resourcePath: `/${repo.fullName}/issues/${i.number}`,
    state: i.state === "open" ? "OPEN" : "CLOSED",
    stateReason: () => (i.state === "closed" ? "COMPLETED" : null),
    closed: i.state === "closed",
    locked: false,
    author: actorByLogin(ctx, i.author),
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
    closedAt: i.closedAt === null ? null : iso(i.closedAt),
    repository: () => repoNode(ctx, repo),
    labels: (args: PageArgs) => arrayConnection(i.labels, args, (l) => labelNode(repo, l)),
    // The world keeps comment counts, not bodies: the connection has the count and no nodes.
    comments: (args: PageArgs) =>
      connection(
        i.comments,
        () => undefined,
        args,
        () => null,
      ),
  };
}

export function pullNode(ctx: GraphqlContext, repo: SimRepo, p: SimPull): Obj {
  const state = p.state === "open" ? "OPEN" : p.mergedAt !== null ? "MERGED" : "CLOSED";
  const url = `${ctx.web}/${repo.fullName}/pull/${p.number}`;
  return {
    __typename: "PullRequest",
    id: nodeId("011:PullRequest", p.id),
    databaseId: int32(p.id),
    fullDatabaseId: String(p.id),
    number: p.number,
    title: p.title,
    body: p.body,
    bodyText: p.body,
    url,
    permalink: url,
    resourcePath: `/${repo.fullName}/pull/${p.number}`,
    state,
    closed: p.state === "closed",
    merged: p.mergedAt !== null,
    isDraft: p.draft,
    locked: false,
    author: actorByLogin(ctx, p.author),
    headRefName: p.headRef,
    headRefOid: p.headSha,
    baseRefName: p.baseRef,
    baseRefOid: p.baseSha,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    closedAt: p.closedAt === null ? null : iso(p.closedAt),
    mergedAt: p.mergedAt === null ? null : iso(p.mergedAt),
    mergedBy: actorByLogin(ctx, p.mergedBy),
    mergeCommit: () => {
      if (!p.mergeCommitSha) return null;
      const c = ctx.store.commit(repo, p.mergeCommitSha);
      return c ? commitNode(ctx, repo, c) : null;
    },
    additions: p.additions,
    deletions: p.deletions,
    changedFiles: p.files.length,
    repository: () => repoNode(ctx, repo),
    labels: (args: PageArgs) => arrayConnection(p.labels, args, (l) => labelNode(repo, l)),
    files: (args: PageArgs) => arrayConnection(p.files, args, fileNode),
    assignees: (args: PageArgs) => arrayConnection(p.assignees, args, (l) => actorByLogin(ctx, l)),
    reviewRequests: (args: PageArgs) =>
      arrayConnection(
        [...p.requestedReviewers.map((l) => ({ l, team: false })), ...p.requestedTeams.map((l) => ({ l, team: true }))],
        args,
        (r) => ({
          requestedReviewer: r.team ? teamRef(ctx, repo, r.l) : actorByLogin(ctx, r.l),
          asCodeOwner: false,
        }),
      ),
    reviews: (args: PageArgs & { states?: string[] | null; author?: string | null }) => {
      const states = args.states && args.states.length > 0 ? new Set(args.states) : null;
      const rs = p.reviews.filter((v) => (!states || states.has(v.state)) && (!args.author || v.user === args.author));
      return arrayConnection(rs, args, (v) => ({
        __typename: "PullRequestReview",
        id: nodeId("017:PullRequestReview", v.id),
        databaseId: int32(v.id),
        fullDatabaseId: String(v.id),
        author: actorByLogin(ctx, v.user),
        state: v.state,
        body: v.body,
        submittedAt: iso(v.submittedAt),
        createdAt: iso(v.submittedAt),
        url: `${url}#pullrequestreview-${v.id}`,
      }));
    },
    commits: (args: PageArgs) =>
      // GitHub's PR commits connection lists up to 250 commits.
      arrayConnection(p.commits.slice(0, 250), args, (sha) => {
        const c = ctx.store.commit(repo, sha);
        return {
          __typename: "PullRequestCommit",
          id: nodeId("017:PullRequestCommit", `${p.id}:${sha}`),
          url: `${url}/commits/${sha}`,
          commit: c ? commitNode(ctx, repo, c) : null,
        };
      }),
  };
}

function teamRef(ctx: GraphqlContext, repo: SimRepo, slug: string): Obj | null {
  const org = ctx.store.org(repo.owner);
  const t = org?.teams.find((x) => x.slug === slug);
  return org && t ? teamNode(ctx, org, t) : null;
}

function statusNode(ctx: GraphqlContext, s: SimDeploymentStatus): Obj {
  return {
    __typename: "DeploymentStatus",
    id: nodeId("016:DeploymentStatus", s.id),
    state: s.state.toUpperCase(),
    description: s.description,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.createdAt),
    creator: actorByLogin(ctx, s.creator),
    environmentUrl: s.environmentUrl || null,
    logUrl: s.logUrl || null,
  };
}

function deploymentNode(ctx: GraphqlContext, repo: SimRepo, d: SimDeployment): Obj {
  const latest = d.statuses.at(-1);
  const newestFirst = d.statuses.slice().reverse();
  return {
    __typename: "Deployment",
    id: nodeId("010:Deployment", d.id),
    databaseId: int32(d.id),
    fullDatabaseId: String(d.id),
    environment: d.environment,
    originalEnvironment: d.environment,
    latestEnvironment: d.environment,
    task: d.task,
    description: d.description,
    // The deployed ref when it names a branch or tag (null for a bare sha), as on GitHub.
    ref: () => {
      const name = d.ref.replace(/^refs\/(heads|tags)\//, "");
      if (ctx.store.branchHead(repo, name))
        return refNode(ctx, repo, "refs/heads/", name, ctx.store.branchHead(repo, name) ?? d.sha);
      const tag = ctx.store.tags(repo).find((t) => t.name === name);
      return tag ? refNode(ctx, repo, "refs/tags/", name, tag.sha) : null;
    },
    commitOid: d.sha,
    commit: () => {
      const c = ctx.store.commit(repo, d.sha);
      return c ? commitNode(ctx, repo, c) : null;
    },
    createdAt: iso(d.createdAt),
    updatedAt: iso(latest?.createdAt ?? d.createdAt),
    creator: actorByLogin(ctx, d.creator),
    state: latest ? (latest.state === "success" ? "ACTIVE" : latest.state.toUpperCase()) : "PENDING",
    latestStatus: latest ? statusNode(ctx, latest) : null,
    statuses: (args: PageArgs) => arrayConnection(newestFirst, args, (s) => statusNode(ctx, s)),
    repository: () => repoNode(ctx, repo),
  };
}

function releaseNode(ctx: GraphqlContext, repo: SimRepo, r: SimRelease): Obj {
  const url = `${ctx.web}/${repo.fullName}/releases/tag/${encodeURIComponent(r.tagName)}`;
  return {
    __typename: "Release",
    id: nodeId("07:Release", r.id),
    databaseId: int32(r.id),
    fullDatabaseId: String(r.id),
    name: r.name,
    tagName: r.tagName,
    description: r.body,
    isDraft: r.draft,
    isPrerelease: r.prerelease,
    isLatest: false,
    createdAt: iso(r.createdAt),
    publishedAt: r.publishedAt === null ? null : iso(r.publishedAt),
    updatedAt: iso(r.publishedAt ?? r.createdAt),
    url,
    author: actorByLogin(ctx, r.author),
    tagCommit: () => {
      const c = ctx.store.commit(repo, r.targetCommitish);
      return c ? commitNode(ctx, repo, c) : null;
    },
    tag: () => refNode(ctx, repo, "refs/tags/", r.tagName, r.targetCommitish),
  };
}

function refNode(
  ctx: GraphqlContext,
  repo: SimRepo,
  prefix: string,
  name: string,
  sha: string,
  annotation?: { taggedAt: string },
): Obj {
  const commit = () => {
    const c = ctx.store.commit(repo, sha);
    return c ? commitNode(ctx, repo, c) : { __typename: "Commit", oid: sha, abbreviatedOid: sha.slice(0, 7) };
  };
  return {
    __typename: "Ref",
    id: nodeId("03:Ref", `${repo.id}:${prefix}${name}`),
    name,
    prefix,
    // An annotated tag's ref points at a Tag object (with its tagger), which points at the commit.
    target: () =>
      annotation === undefined
        ? commit()
        : {
            __typename: "Tag",
            id: nodeId("03:Tag", `${repo.id}:${name}`),
            oid: createHash("sha1").update(`tag ${repo.fullName} ${name}`).digest("hex"),
            name,
            message: name,
            tagger: { name: "release-bot", email: "release-bot@users.noreply.github.com", date: annotation.taggedAt },
            target: commit,
          },
    repository: () => repoNode(ctx, repo),
  };
}

interface OrderBy {
  field?: string;
  direction?: "ASC" | "DESC";
}

export function repoNode(ctx: GraphqlContext, repo: SimRepo): Obj {
  const head = ctx.store.branchHead(repo);
  return {
    __typename: "Repository",
    id: nodeId("010:Repository", repo.id),
    databaseId: int32(repo.id),
    fullDatabaseId: String(repo.id),
    name: repo.name,
    nameWithOwner: repo.fullName,
    description: repo.description,
    isPrivate: repo.private,
    isArchived: false,
    isFork: false,
    visibility: repo.private ? "PRIVATE" : "PUBLIC",
    createdAt: iso(repo.createdAt),
    pushedAt: iso(repo.pushedAt),
    updatedAt: iso(repo.pushedAt),
    url: `${ctx.web}/${repo.fullName}`,
    owner: () => {
      const org = ctx.store.org(repo.owner);
      return org ? orgNode(ctx, org) : actorByLogin(ctx, repo.owner);
    },
    defaultBranchRef: head ? refNode(ctx, repo, "refs/heads/", repo.defaultBranch, head) : null,
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const tag = /^refs\/tags\/(.+)$/.exec(qualifiedName);
      const name = qualifiedName.replace(/^refs\/(heads|tags)\//, "");
      const sha = ctx.store.resolveRef(repo, qualifiedName);
      if (!sha) return null;
      return refNode(ctx, repo, tag ? "refs/tags/" : "refs/heads/", name, sha);
    },
    object: ({ oid, expression }: { oid?: string; expression?: string }) => {
      const sha = oid ?? (expression ? ctx.store.resolveRef(repo, expression) : undefined);
      const c = sha ? ctx.store.commit(repo, sha) : undefined;
      return c ? commitNode(ctx, repo, c) : null;
    },
    refs: (args: PageArgs & { refPrefix: string; orderBy?: OrderBy; query?: string }) => {
      let refs: { name: string; sha: string; annotated?: boolean; taggedAt?: string }[];
      if (args.refPrefix === "refs/tags/") refs = ctx.store.tags(repo);
      else if (args.refPrefix === "refs/heads/") refs = head ? [{ name: repo.defaultBranch, sha: head }] : [];
      else refs = [];
      if (args.query) refs = refs.filter((r) => r.name.includes(args.query ?? ""));
      const field = args.orderBy?.field ?? "ALPHABETICAL";
      refs = refs.slice().sort((a, b) => {
        if (field === "TAG_COMMIT_DATE") {
          const da = ctx.store.commit(repo, a.sha)?.committer.date ?? 0;
          const db = ctx.store.commit(repo, b.sha)?.committer.date ?? 0;
          return da - db;
        }
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
      if (args.orderBy?.direction === "DESC") refs.reverse();
      return arrayConnection(refs, args, (r) =>
        refNode(
          ctx,
          repo,
          args.refPrefix,
          r.name,
          r.sha,
          r.annotated && r.taggedAt ? { taggedAt: r.taggedAt } : undefined,
        ),
      );
    },
    pullRequest: ({ number }: { number: number }) => {
      const p = ctx.store.pull(repo, number);
      return p ? pullNode(ctx, repo, p) : null;
    },
    pullRequests: (
      args: PageArgs & {
        states?: string[] | null;
        orderBy?: OrderBy | null;
        baseRefName?: string | null;
        headRefName?: string | null;
        labels?: string[] | null;
      },
    ) => {
      const states = new Set(args.states ?? ["OPEN", "CLOSED", "MERGED"]);
      const state =
        states.size === 3
          ? "all"
          : states.size === 1 && states.has("MERGED")
            ? "merged"
            : states.size === 1 && states.has("OPEN")
              ? "open"
              : states.size === 1 && states.has("CLOSED")
                ? "closed-unmerged"
                : states.has("OPEN")
                  ? "all"
                  : "closed";
      const sort = args.orderBy?.field === "UPDATED_AT" ? "updated" : "created";
      let numbers = ctx.store.pullNumbers(repo, {
        sort,
        direction: args.orderBy?.direction === "DESC" ? "desc" : "asc",
        state,
        base: args.baseRefName ?? null,
        head: args.headRefName ?? null,
      });
      if (states.size === 2 && states.has("OPEN")) {
        const excluded = states.has("MERGED") ? "closed-unmerged" : "merged";
        const ex = new Set(ctx.store.pullNumbers(repo, { sort, direction: "asc", state: excluded }));
        numbers = numbers.filter((n) => !ex.has(n));
      }
      if (args.labels && args.labels.length > 0) {
        const want = new Set(args.labels);
        numbers = numbers.filter((n) => ctx.store.pull(repo, n)?.labels.some((l) => want.has(l)) ?? false);
      }
      const list = numbers;
      return connection(
        list.length,
        (i) => list[i],
        args,
        (n) => {
          const p = ctx.store.pull(repo, n);
          return p ? pullNode(ctx, repo, p) : null;
        },
      );
    },
    issue: ({ number }: { number: number }) => {
      const i = ctx.store.issue(repo, number);
      return i ? issueNode(ctx, repo, i) : null;
    },
    issues: (
      args: PageArgs & {
        states?: string[] | null;
        labels?: string[] | null;
        orderBy?: OrderBy | null;
        filterBy?: {
          since?: string | null;
          labels?: string[] | null;
          states?: string[] | null;
          createdBy?: string | null;
        } | null;
      },
    ) => {
      // `states`/`labels` and `filterBy.states`/`filterBy.labels` both filter (labels: any of them).
      const states = new Set([...(args.states ?? []), ...(args.filterBy?.states ?? [])]);
      const labels = [...(args.labels ?? []), ...(args.filterBy?.labels ?? [])];
      const since = args.filterBy?.since ? Date.parse(args.filterBy.since) : null;
      const field = args.orderBy?.field;
      let rows = ctx.store.issueList(repo, {
        pulls: false,
        state: states.size === 1 ? (states.has("OPEN") ? "open" : "closed") : "all",
        labels,
        labelsMatch: "any",
        since: since === null || Number.isNaN(since) ? null : since,
        sort: field === "UPDATED_AT" ? "updated" : field === "COMMENTS" ? "comments" : "created",
        direction: args.orderBy?.direction === "DESC" ? "desc" : "asc",
      });
      const createdBy = args.filterBy?.createdBy;
      if (createdBy) rows = rows.filter((row) => ctx.store.issue(repo, row.number)?.author === createdBy);
      return connection(
        rows.length,
        (k) => rows[k],
        args,
        (row) => {
          const i = ctx.store.issue(repo, row.number);
          return i ? issueNode(ctx, repo, i) : null;
        },
      );
    },
    deployments: (args: PageArgs & { environments?: string[] | null; orderBy?: OrderBy | null }) => {
      const envs = args.environments && args.environments.length > 0 ? new Set(args.environments) : null;
      let ds = ctx.store.deployments(repo).reverse(); // oldest first
      if (envs) ds = ds.filter((d) => envs.has(d.environment));
      if (args.orderBy?.direction === "DESC") ds.reverse();
      return arrayConnection(ds, args, (d) => deploymentNode(ctx, repo, d));
    },
    releases: (args: PageArgs & { orderBy?: OrderBy | null }) => {
      let rs = ctx.store.releases(repo); // newest first
      if (args.orderBy?.field === "NAME") rs = rs.slice().sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
      else rs = rs.slice().reverse();
      if (args.orderBy?.direction === "DESC") rs.reverse();
      return arrayConnection(rs, args, (r) => releaseNode(ctx, repo, r));
    },
  };
}

function teamNode(ctx: GraphqlContext, org: SimOrg, t: SimTeam): Obj {
  return {
    __typename: "Team",
    id: nodeId("04:Team", t.id),
    databaseId: int32(t.id),
    fullDatabaseId: String(t.id),
    name: t.name,
    slug: t.slug,
    combinedSlug: `${org.login}/${t.slug}`,
    description: t.description,
    privacy: t.privacy === "secret" ? "SECRET" : "VISIBLE",
    url: `${ctx.web}/orgs/${org.login}/teams/${t.slug}`,
    organization: () => orgNode(ctx, org),
    parentTeam: () => {
      const p = t.parentSlug ? org.teams.find((x) => x.slug === t.parentSlug) : undefined;
      return p ? teamNode(ctx, org, p) : null;
    },
    members: (args: PageArgs & { role?: string | null }) => {
      const ms = args.role ? t.members.filter((m) => m.role.toUpperCase() === args.role) : t.members;
      return arrayConnection(
        ms,
        args,
        (m) => actorByLogin(ctx, m.login),
        (m) => ({ role: m.role.toUpperCase() }),
      );
    },
  };
}

export function orgNode(ctx: GraphqlContext, org: SimOrg): Obj {
  return {
    __typename: "Organization",
    id: nodeId("012:Organization", org.id),
    databaseId: int32(org.id),
    fullDatabaseId: String(org.id),
    login: org.login,
    name: org.name,
    url: `${ctx.web}/${org.login}`,
    membersWithRole: (args: PageArgs) =>
      arrayConnection(
        org.members,
        args,
        (m) => actorByLogin(ctx, m.login),
        (m) => ({ role: m.role.toUpperCase(), hasTwoFactorEnabled: null }),
      ),
    teams: (args: PageArgs) => arrayConnection(org.teams, args, (t) => teamNode(ctx, org, t)),
    team: ({ slug }: { slug: string }) => {
      const t = org.teams.find((x) => x.slug === slug);
      return t ? teamNode(ctx, org, t) : null;
    },
    repositories: (args: PageArgs) => arrayConnection(ctx.store.reposOf(org.login), args, (r) => repoNode(ctx, r)),
    repository: ({ name }: { name: string }) => {
      const r = ctx.store.repo(org.login, name);
      return r ? repoNode(ctx, r) : null;
    },
  };
}

function notFound(path: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND", path } });
}

/** The query root. */
export function rootValue(ctx: GraphqlContext): Obj {
  return {
    organization: ({ login }: { login: string }) => {
      const org = ctx.store.org(login);
      if (!org) throw notFound("organization", `Could not resolve to an Organization with the login of '${login}'.`);
      return orgNode(ctx, org);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = ctx.store.repo(owner, name);
      if (!r) throw notFound("repository", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repoNode(ctx, r);
    },
    user: ({ login }: { login: string }) => {
      const u = ctx.store.user(login);
      if (!u) throw notFound("user", `Could not resolve to a User with the login of '${login}'.`);
      return actorNode(ctx, u);
    },
    viewer: () =>
      actorNode(
        ctx,
        ctx.store.user(ctx.viewer.login) ?? {
          id: ctx.viewer.userId,
          login: ctx.viewer.login,
          type: "User",
          name: null,
          email: null,
        },
      ),
    rateLimit: () => ({ ...ctx.rate }),
    node: () => null,
    nodes: ({ ids }: { ids: string[] }) => ids.map(() => null),
  };
}
