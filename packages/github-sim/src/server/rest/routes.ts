import { renderPatch, type WorldFile } from "../../world/index.js";
import { type PageRequest, paginate, parsePage } from "../pagination.js";
import { type SimFile, type SimRepo, simCommit } from "../store.js";
import {
  type RenderContext,
  renderCommit,
  renderDeployment,
  renderDeploymentStatus,
  renderFile,
  renderIssue,
  renderLogin,
  renderMinimalRepository,
  renderPull,
  renderPullAsIssue,
  renderPullSimple,
  renderRelease,
  renderRepository,
  renderReview,
  renderTag,
  renderTeam,
  renderUser,
  renderWorkflowRun,
} from "./render.js";

/** A REST answer before headers: the server adds rate-limit headers, ETag and Link. */
export interface RestResult {
  status: number;
  body: unknown;
  /** Set for paginated lists: the server turns it into a `Link` header. */
  page?: { page: number; lastPage: number };
}

export interface RestRequest {
  method: string;
  url: URL;
  ctx: RenderContext;
}

const DOCS = "https://docs.github.com/rest";

export function notFound(doc = DOCS): RestResult {
  return { status: 404, body: { message: "Not Found", documentation_url: doc, status: "404" } };
}

function unprocessable(message: string): RestResult {
  return { status: 422, body: { message, documentation_url: DOCS, status: "422" } };
}

type Handler = (req: RestRequest, params: string[]) => RestResult;

function list<T>(items: readonly T[], page: PageRequest, render: (x: T) => unknown, cap?: number): RestResult {
  const p = paginate(items, page, cap);
  return { status: 200, body: p.items.map(render), page: { page: page.page, lastPage: p.lastPage } };
}

function withRepo(fn: (req: RestRequest, repo: SimRepo, rest: string[]) => RestResult): Handler {
  return (req, [owner = "", name = "", ...rest]) => {
    const repo = req.ctx.store.repo(owner, name);
    return repo ? fn(req, repo, rest) : notFound();
  };
}

function timeParam(q: URLSearchParams, name: string): number | null | "bad" {
  const v = q.get(name);
  if (v === null || v === "") return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? "bad" : t;
}

function pullsList(req: RestRequest, repo: SimRepo): RestResult {
  const q = req.url.searchParams;
  const state = q.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state)) return unprocessable(`Invalid value for state: ${state}`);
  const sortRaw = q.get("sort") ?? "created";
  const sort = sortRaw === "updated" ? "updated" : "created";
  // GitHub: default desc when sort is created (or absent), asc otherwise.
  const direction = (q.get("direction") ?? (sort === "created" ? "desc" : "asc")) === "asc" ? "asc" : "desc";
  const head = q.get("head");
  const numbers = req.ctx.store.pullNumbers(repo, {
    sort,
    direction,
    state,
    base: q.get("base"),
    head: head?.includes(":") ? head.slice(head.indexOf(":") + 1) : head,
  });
  const page = parsePage(q);
  const start = (page.page - 1) * page.perPage;
  const items = Array.from(
    numbers.subarray(Math.min(start, numbers.length), Math.min(start + page.perPage, numbers.length)),
  );
  return {
    status: 200,
    body: items.flatMap((n) => {
      const p = req.ctx.store.pull(repo, n);
      return p ? [renderPullSimple(req.ctx, repo, p)] : [];
    }),
    page: { page: page.page, lastPage: Math.max(1, Math.ceil(numbers.length / page.perPage)) },
  };
}

/**
 * `GET /repos/{o}/{r}/issues`: issues and, as on GitHub, pull requests (with a `pull_request`
 * key). `state` open|closed|all (default open), `labels` comma-separated (all must match),
 * `since` (updated at or after), `sort` created|updated|comments, `direction` (default desc).
 */
function issuesList(req: RestRequest, repo: SimRepo): RestResult {
  const q = req.url.searchParams;
  const state = q.get("state") ?? "open";
  if (state !== "open" && state !== "closed" && state !== "all")
    return unprocessable(`Invalid value for state: ${state}`);
  const sortRaw = q.get("sort") ?? "created";
  if (!["created", "updated", "comments"].includes(sortRaw)) return unprocessable(`Invalid value for sort: ${sortRaw}`);
  const since = timeParam(q, "since");
  if (since === "bad") return unprocessable(`Invalid value for since: ${q.get("since")}`);
  const rows = req.ctx.store.issueList(repo, {
    pulls: true,
    state,
    labels: (q.get("labels") ?? "")
      .split(",")
      .map((l) => l.trim())
      .filter((l) => l !== ""),
    labelsMatch: "all",
    since,
    sort: sortRaw as "created" | "updated" | "comments",
    direction: q.get("direction") === "asc" ? "asc" : "desc",
  });
  return list(rows, parsePage(q), (row) => {
    if (row.pull) {
      const p = req.ctx.store.pull(repo, row.number);
      return p ? renderPullAsIssue(req.ctx, repo, p) : null;
    }
    const i = req.ctx.store.issue(repo, row.number);
    return i ? renderIssue(req.ctx, repo, i) : null;
  });
}

function commitsList(req: RestRequest, repo: SimRepo): RestResult {
  const q = req.url.searchParams;
  const ref = q.get("sha") ?? repo.defaultBranch;
  const sha = req.ctx.store.resolveRef(repo, ref);
  if (!sha)
    return {
      status: 404,
      body: { message: `No commit found for SHA: ${ref}`, documentation_url: DOCS, status: "404" },
    };
  const since = timeParam(q, "since");
  const until = timeParam(q, "until");
  if (since === "bad" || until === "bad") {
    return unprocessable("Invalid date: since/until must be ISO 8601, e.g. 2026-01-01T00:00:00Z");
  }
  const h = req.ctx.store.historyIndex(repo, sha);
  const author = q.get("author");
  let shas: readonly string[] = h.shas;
  if (since !== null || until !== null || author) {
    shas = h.shas.filter((_, i) => {
      const d = h.dates[i] as number;
      if (since !== null && d < since) return false;
      if (until !== null && d > until) return false;
      if (author) {
        const [login, email] = (h.authors[i] ?? "").split("\u0000");
        if (login !== author && email !== author) return false;
      }
      return true;
    });
  }
  return list(shas, parsePage(q), (s) => {
    const c = req.ctx.store.commit(repo, s);
    return c ? renderCommit(req.ctx, repo, c, false) : null;
  });
}

/** The world record of a served file (what its patch is made from). */
function worldFileOf(f: SimFile): WorldFile {
  return {
    path: f.filename,
    additions: f.additions,
    deletions: f.deletions,
    status: f.status === "added" || f.status === "removed" || f.status === "renamed" ? f.status : "modified",
    ...(f.reindented === undefined ? {} : { reindented: f.reindented }),
    ...(f.blankAdded === undefined ? {} : { blankAdded: f.blankAdded }),
    ...(f.blankRemoved === undefined ? {} : { blankRemoved: f.blankRemoved }),
    ...(f.format === undefined ? {} : { format: f.format }),
  };
}

function compare(req: RestRequest, repo: SimRepo, spec: string): RestResult {
  const m = /^(.+?)\.\.\.(.+)$/.exec(spec);
  if (!m) return notFound();
  const baseSha = req.ctx.store.resolveRef(repo, m[1] ?? "");
  const headSha = req.ctx.store.resolveRef(repo, m[2] ?? "");
  if (!baseSha || !headSha) return notFound();
  const cmp = req.ctx.store.compare(repo, baseSha, headSha);
  const back = req.ctx.store.compare(repo, headSha, baseSha);
  const baseCommit = req.ctx.store.commit(repo, baseSha);
  const mergeBase = cmp?.mergeBase ? req.ctx.store.commit(repo, cmp.mergeBase) : undefined;
  if (!cmp || !back || !baseCommit || !mergeBase) return notFound();
  const ahead = cmp.commits;
  const behind = back.commits.length;
  const page = parsePage(req.url.searchParams, 250);
  const shown = paginate(ahead, { perPage: Math.min(page.perPage, 250), page: page.page });
  const files = new Map<string, ReturnType<typeof renderFile>>();
  for (const c of ahead) {
    for (const f of c.files ?? []) {
      if (files.size >= 300) break;
      files.set(
        f.path,
        renderFile(
          req.ctx,
          repo,
          headSha,
          simCommit(c).files.find((x) => x.filename === f.path) ?? {
            filename: f.path,
            status: f.status,
            additions: f.additions,
            deletions: f.deletions,
          },
        ),
      );
    }
  }
  const status =
    ahead.length === 0 && behind === 0
      ? "identical"
      : behind === 0
        ? "ahead"
        : ahead.length === 0
          ? "behind"
          : "diverged";
  const full = repo.fullName;
  const colon = full.replace("/", ":");
  return {
    status: 200,
    body: {
      url: `${req.ctx.api}/repos/${full}/compare/${spec}`,
      html_url: `${req.ctx.web}/${full}/compare/${spec}`,
      permalink_url: `${req.ctx.web}/${full}/compare/${colon}:${baseSha.slice(0, 7)}...${colon}:${headSha.slice(0, 7)}`,
      diff_url: `${req.ctx.web}/${full}/compare/${spec}.diff`,
      patch_url: `${req.ctx.web}/${full}/compare/${spec}.patch`,
      base_commit: renderCommit(req.ctx, repo, baseCommit, false),
      merge_base_commit: renderCommit(req.ctx, repo, mergeBase, false),
      status,
      ahead_by: ahead.length,
      behind_by: behind,
      total_commits: ahead.length,
      commits: shown.items.map((c) => renderCommit(req.ctx, repo, simCommit(c), false)),
      files: [...files.values()],
    },
    page: { page: page.page, lastPage: shown.lastPage },
  };
}

const routes: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/users\/([^/]+)$/,
    (req, [login = ""]) => {
      const u = req.ctx.store.user(login);
      return u ? { status: 200, body: renderUser(req.ctx, u) } : notFound();
    },
  ],
  [
    "GET",
    /^\/orgs\/([^/]+)\/members$/,
    (req, [org = ""]) => {
      const o = req.ctx.store.org(org);
      if (!o) return notFound();
      const role = req.url.searchParams.get("role") ?? "all";
      const members = role === "all" ? o.members : o.members.filter((m) => m.role === role);
      return list(members, parsePage(req.url.searchParams), (m) => renderLogin(req.ctx, m.login));
    },
  ],
  [
    "GET",
    /^\/orgs\/([^/]+)\/teams$/,
    (req, [org = ""]) => {
      const o = req.ctx.store.org(org);
      if (!o) return notFound();
      return list(o.teams, parsePage(req.url.searchParams), (t) => renderTeam(req.ctx, o, t));
    },
  ],
  [
    "GET",
    /^\/orgs\/([^/]+)\/teams\/([^/]+)$/,
    (req, [org = "", slug = ""]) => {
      const o = req.ctx.store.org(org);
      const t = o?.teams.find((x) => x.slug === slug);
      return o && t ? { status: 200, body: renderTeam(req.ctx, o, t) } : notFound();
    },
  ],
  [
    "GET",
    /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/,
    (req, [org = "", slug = ""]) => {
      const o = req.ctx.store.org(org);
      const t = o?.teams.find((x) => x.slug === slug);
      if (!o || !t) return notFound();
      const role = req.url.searchParams.get("role") ?? "all";
      const members = role === "all" ? t.members : t.members.filter((m) => m.role === role);
      return list(members, parsePage(req.url.searchParams), (m) => renderLogin(req.ctx, m.login));
    },
  ],
  [
    "GET",
    /^\/orgs\/([^/]+)\/repos$/,
    (req, [org = ""]) => {
      if (!req.ctx.store.org(org)) return notFound();
      const repos = req.ctx.store.reposOf(org).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      return list(repos, parsePage(req.url.searchParams), (r) => renderMinimalRepository(req.ctx, r));
    },
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)$/,
    withRepo((req, repo) => ({ status: 200, body: renderRepository(req.ctx, repo) })),
  ],
  ["GET", /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, withRepo(pullsList)],
  ["GET", /^\/repos\/([^/]+)\/([^/]+)\/issues$/, withRepo(issuesList)],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
    withRepo((req, repo, [n = ""]) => {
      const i = req.ctx.store.issue(repo, Number(n));
      if (i) return { status: 200, body: renderIssue(req.ctx, repo, i) };
      const p = req.ctx.store.pull(repo, Number(n));
      return p ? { status: 200, body: renderPullAsIssue(req.ctx, repo, p) } : notFound();
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    withRepo((req, repo, [n = ""]) => {
      const p = req.ctx.store.pull(repo, Number(n));
      return p ? { status: 200, body: renderPull(req.ctx, repo, p) } : notFound();
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/commits$/,
    withRepo((req, repo, [n = ""]) => {
      const p = req.ctx.store.pull(repo, Number(n));
      if (!p) return notFound();
      const commits = p.commits.flatMap((s) => {
        const c = req.ctx.store.commit(repo, s);
        return c ? [c] : [];
      });
      // GitHub lists at most 250 commits of a pull request.
      return list(commits, parsePage(req.url.searchParams), (c) => renderCommit(req.ctx, repo, c, false), 250);
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/,
    withRepo((req, repo, [n = ""]) => {
      const p = req.ctx.store.pull(repo, Number(n));
      if (!p) return notFound();
      // GitHub lists at most 3,000 files of a pull request.
      // Each file's unified diff in `patch` (none for binary files and very large diffs).
      return list(
        p.files,
        parsePage(req.url.searchParams),
        (f) => renderFile(req.ctx, repo, p.headSha, f, renderPatch(`${repo.fullName}#${p.number}`, worldFileOf(f))),
        3000,
      );
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
    withRepo((req, repo, [n = ""]) => {
      const p = req.ctx.store.pull(repo, Number(n));
      if (!p) return notFound();
      return list(p.reviews, parsePage(req.url.searchParams), (v) => renderReview(req.ctx, repo, p, v));
    }),
  ],
  ["GET", /^\/repos\/([^/]+)\/([^/]+)\/commits$/, withRepo(commitsList)],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/,
    withRepo((req, repo, [ref = ""]) => {
      const sha = req.ctx.store.resolveRef(repo, decodeURIComponent(ref));
      const c = sha ? req.ctx.store.commit(repo, sha) : undefined;
      if (!c) {
        return {
          status: 422,
          body: {
            message: `No commit found for SHA: ${decodeURIComponent(ref)}`,
            documentation_url: DOCS,
            status: "422",
          },
        };
      }
      return { status: 200, body: renderCommit(req.ctx, repo, c, true) };
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/,
    withRepo((req, repo, [spec = ""]) => compare(req, repo, decodeURIComponent(spec))),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/deployments$/,
    withRepo((req, repo) => {
      const q = req.url.searchParams;
      const env = q.get("environment");
      const sha = q.get("sha");
      const ref = q.get("ref");
      const task = q.get("task");
      const page = parsePage(q);
      if (env === null && sha === null && ref === null && task === null) {
        // Unfiltered: page by index, without materialising every deployment.
        const total = req.ctx.store.deploymentCount(repo);
        const items = [];
        for (let i = (page.page - 1) * page.perPage; i < Math.min(total, page.page * page.perPage); i++) {
          const d = req.ctx.store.deploymentNewest(repo, i);
          if (d) items.push(renderDeployment(req.ctx, repo, d));
        }
        return {
          status: 200,
          body: items,
          page: { page: page.page, lastPage: Math.max(1, Math.ceil(total / page.perPage)) },
        };
      }
      const ds = req.ctx.store.deployments(repo, { environment: env, sha, ref, task });
      return list(ds, page, (d) => renderDeployment(req.ctx, repo, d));
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)$/,
    withRepo((req, repo, [id = ""]) => {
      const d = req.ctx.store.deployment(repo, Number(id));
      return d ? { status: 200, body: renderDeployment(req.ctx, repo, d) } : notFound();
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
    withRepo((req, repo, [id = ""]) => {
      const d = req.ctx.store.deployment(repo, Number(id));
      if (!d) return notFound();
      const newestFirst = d.statuses.slice().reverse();
      return list(newestFirst, parsePage(req.url.searchParams), (s) => renderDeploymentStatus(req.ctx, repo, d, s));
    }),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/releases$/,
    withRepo((req, repo) =>
      list(req.ctx.store.releases(repo), parsePage(req.url.searchParams), (r) => renderRelease(req.ctx, repo, r)),
    ),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/tags$/,
    withRepo((req, repo) =>
      list(req.ctx.store.tags(repo), parsePage(req.url.searchParams), (t) => renderTag(req.ctx, repo, t)),
    ),
  ],
  [
    "GET",
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/,
    withRepo((req, repo) => {
      const q = req.url.searchParams;
      const branch = q.get("branch");
      const event = q.get("event");
      const status = q.get("status");
      const headSha = q.get("head_sha");
      const runs = req.ctx.store
        .workflowRuns(repo)
        .filter(
          (w) =>
            (branch === null || w.headBranch === branch) &&
            (event === null || w.event === event) &&
            (status === null || w.status === status || w.conclusion === status) &&
            (headSha === null || w.headSha === headSha),
        );
      const page = parsePage(q);
      const p = paginate(runs, page);
      return {
        status: 200,
        body: { total_count: runs.length, workflow_runs: p.items.map((w) => renderWorkflowRun(req.ctx, repo, w)) },
        page: { page: page.page, lastPage: p.lastPage },
      };
    }),
  ],
];

/** Answers a REST request, or null when no route matches (the server answers 404). */
export function routeRest(req: RestRequest): RestResult | null {
  const path = req.url.pathname.replace(/\/+$/, "") || "/";
  for (const [method, re, handler] of routes) {
    if (method !== req.method && !(method === "GET" && req.method === "HEAD")) continue;
    const m = re.exec(path);
    if (m)
      return handler(
        req,
        m.slice(1).map((s) => decodeURIComponent(s)),
      );
  }
  return null;
}
