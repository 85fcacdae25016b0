/**
 * The world generator: `generateWorld` streams a deterministic world from a few options. Its
 * model and helpers are in model.ts, the organisation (people, teams, repositories) in org.ts,
 * a change's files in files.ts, commit messages in messages.ts, usage in usage.ts; one
 * repository's plans, history, deployments and ground truth are still here.
 */
import type { AiTool } from "@yardstick/core";
import {
  type DeployMethod,
  type TruthChange,
  type TruthDeployment,
  WORLD_FORMAT,
  WORLD_FORMAT_VERSION,
  type WorldCommit,
  type WorldDeployment,
  type WorldDeploymentStatus,
  type WorldFile,
  type WorldPull,
  type WorldRecord,
  type WorldReview,
} from "../world/schema.js";
import { filesTruth, isTrivial, makeFiles, plainFiles, shapeFiles } from "./files.js";
import { AI_FORMS, BOT_ACCOUNTS, buildForm, FORMS_BY_TOOL, type FormSpec, type Ident } from "./forms.js";
import { generateIssues } from "./incidents.js";
import { identOf, messageOf, squashMessage } from "./messages.js";
import {
  activeInWeek,
  type BotKind,
  type Context,
  capital,
  DAY,
  DEFAULT_NOW,
  GENERATOR_NAME,
  type GenerateOptions,
  GITHUB,
  HOUR,
  iso,
  type Person,
  type Plan,
  type RevertForm,
  slugify,
  WEEK,
  workTime,
} from "./model.js";
import {
  deployMethodOf,
  isTrunkBased,
  makePeople,
  makeTeams,
  repoName,
  repoRecord,
  teamRecords,
  userRecords,
} from "./org.js";
import { Prng } from "./prng.js";
import { usageRecords } from "./usage.js";
import { AI_PACKAGES, AREAS, FOLLOW_UPS, LOCK_FILES, OBJECTS, PACKAGES, PROSE_MENTIONS, VERBS } from "./vocabulary.js";

export { filesTruth, isTrivial } from "./files.js";
export { squashMessage } from "./messages.js";
export { type GamerStrategy, GENERATOR_NAME, type GenerateOptions, iso, type RevertForm } from "./model.js";
export { deployMethodOf } from "./org.js";

/**
 * Generates a world, streaming: header, org, users, teams and repositories first, then each
 * repository's commits, branch, pulls, tags, releases, deployments, workflow runs and ground
 * truth, repository by repository, then usage. Deterministic: the same options give the same
 * records (and bytes) every time. Each repository draws from its own seeded stream.
 */
export function* generateWorld(options: GenerateOptions): Generator<WorldRecord> {
  const o = {
    seed: options.seed >>> 0,
    engineers: Math.max(3, Math.floor(options.engineers)),
    teams: Math.max(1, Math.floor(options.teams)),
    repositories: Math.max(1, Math.floor(options.repositories)),
    weeks: Math.max(1, Math.floor(options.weeks)),
    now: options.now ?? DEFAULT_NOW,
    org: options.org ?? "acme",
    pullsPerEngineerWeek: options.pullsPerEngineerWeek ?? 2,
    mergedPullRequests: options.mergedPullRequests ?? null,
    incidentRate: Math.max(0, Math.min(1, options.incidentRate ?? 0.03)),
    incidentLabel: options.incidentLabel ?? "incident",
    gamers: options.gamers ?? null,
  };
  o.teams = Math.min(o.teams, Math.floor(o.engineers / 3));
  const now = Math.floor(Date.parse(o.now) / 1000);
  if (!Number.isFinite(now)) throw new Error(`generateWorld: "now" must be an ISO time, e.g. "${DEFAULT_NOW}"`);
  const start = now - o.weeks * WEEK;
  const ctx: Context = {
    o,
    org: o.org,
    now,
    start,
    people: [],
    teamSlugs: [],
    teamMembers: [],
    ids: {
      pull: 3_000_000_000,
      review: 4_000_000_000,
      deployment: 2_000_000_000,
      status: 5_000_000_000,
      run: 9_000_000_000,
      release: 200_000_000,
      issue: 2_600_000_000,
    },
    aiWork: new Map(),
    burstWeek: Math.floor(o.weeks / 2),
  };
  makePeople(ctx);
  makeTeams(ctx);
  if (o.mergedPullRequests !== null) {
    let personWeeks = 0;
    for (const p of ctx.people) for (let w = 0; w < o.weeks; w++) if (activeInWeek(ctx, p, w)) personWeeks += p.rateMul;
    o.pullsPerEngineerWeek = o.mergedPullRequests / (0.9 * Math.max(1, personWeeks));
  }

  yield {
    type: "header",
    format: WORLD_FORMAT,
    version: WORLD_FORMAT_VERSION,
    seed: o.seed,
    generator: GENERATOR_NAME,
    now: iso(now),
    start: iso(start),
    sizes: {
      engineers: o.engineers,
      teams: o.teams,
      repositories: o.repositories,
      weeks: o.weeks,
      ...(o.mergedPullRequests === null ? {} : { mergedPullRequests: o.mergedPullRequests }),
    },
    incidentLabel: o.incidentLabel,
  };
  yield {
    type: "org",
    login: ctx.org,
    id: 90_000_001,
    nodeId: `O_kgDO${ctx.org}`,
    name: capital(ctx.org),
    createdAt: iso(start - 5 * 365 * DAY),
  };
  yield* userRecords(ctx);
  yield* teamRecords(ctx);
  for (let r = 0; r < o.repositories; r++) yield repoRecord(ctx, r);
  for (let r = 0; r < o.repositories; r++) yield* generateRepo(ctx, r);
  yield* usageRecords(ctx);
  for (const p of ctx.people) {
    yield {
      type: "truth-person",
      login: p.login,
      tools: p.aiRate > 0 ? p.tools : [],
      gaming: p.gaming,
      aiLikeName: p.aiLikeName,
    };
  }
}

// -- one repository --------------------------------------------------------------------------

function humanSpec(hardNegative: string | null = null, form = "human"): FormSpec {
  return { form, class: "human", tools: [], subtype: null, observable: true, markerConfidence: null, hardNegative };
}

/** Everything the coverage schedule walks through in each repository. */
const COVERAGE: readonly string[] = [
  ...Object.keys(AI_FORMS),
  "claude-code.unmarked",
  "cursor.unmarked",
  "copilot.unmarked",
  "hn:prose-mention",
  "hn:aider-committer",
  "hn:replit-deployment",
];

function blankPlan(partial: Partial<Plan> & Pick<Plan, "kind" | "createdAt" | "spec" | "title">): Plan {
  return {
    mergeAt: null,
    closeAt: null,
    author: null,
    bot: null,
    slug: slugify(partial.title),
    body: "",
    headRef: "",
    commitCount: 1,
    files: [],
    trivial: false,
    gaming: false,
    revertOf: null,
    revertForm: null,
    revertedBy: null,
    reviewer: null,
    approveAt: null,
    mergeMethod: "squash",
    number: 0,
    labels: [],
    sha: "",
    pos: -1,
    key: "",
    mergedAt: 0,
    deployment: null,
    deployedAt: null,
    ...partial,
  };
}

function* generateRepo(ctx: Context, r: number): Generator<WorldRecord> {
  const rng = new Prng(ctx.o.seed, "repo", r);
  /** Whitespace and formatting in files (`shapeFiles`): a stream of its own. */
  const drng = new Prng(ctx.o.seed, "diff", r);
  const name = repoName(r);
  const full = `${ctx.org}/${name}`;
  const branch = r % 7 === 6 ? "master" : "main";
  const method = deployMethodOf(r);
  const contributors = ctx.people.filter((p) => p.repos.includes(r));
  const mergeMix: [Plan["mergeMethod"], number][] =
    r % 4 === 0
      ? [
          ["squash", 5],
          ["merge", 3],
          ["rebase", 2],
        ]
      : r % 4 === 1
        ? [
            ["merge", 6],
            ["squash", 3],
            ["rebase", 1],
          ]
        : [
            ["squash", 8],
            ["merge", 1],
            ["rebase", 1],
          ];
  const plans: Plan[] = [];
  const reviewerFor = (p: Person | null): Person | null => {
    if (contributors.length < 2) return null;
    for (let i = 0; i < 4; i++) {
      const c = rng.pick(contributors);
      if (c !== p) return c;
    }
    return null;
  };
  const schedule = (plan: Plan, hoursMedian: number): void => {
    const delay = Math.max(600, Math.round(Math.exp(Math.log(hoursMedian * HOUR) + 0.9 * rng.normal())));
    const end = plan.createdAt + delay;
    if (rng.chance(0.06) && plan.kind === "pr" && !plan.gaming) plan.closeAt = end <= ctx.now ? end : null;
    else if (end <= ctx.now) plan.mergeAt = end;
  };
  const humanPlan = (p: Person, createdAt: number, forced: string | null): Plan => {
    let spec: FormSpec;
    const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
    const fctx = {
      rng,
      human: { name: p.name, email: p.email, login: p.login },
      org: ctx.org,
      repo: name,
      title,
      slug: slugify(title),
      createdAt,
    };
    if (forced?.startsWith("hn:")) spec = humanSpec(forced.slice(3));
    else if (forced) spec = buildForm(forced, fctx);
    else if (rng.chance(p.aiRate)) {
      const tool = p.tools.length > 1 && rng.chance(0.25) ? (p.tools[1] as AiTool) : (p.tools[0] as AiTool);
      spec = rng.chance(0.15)
        ? buildForm(`${tool}.unmarked`, fctx)
        : buildForm(rng.weighted(FORMS_BY_TOOL[tool] ?? []), fctx);
    } else if (p.aiLikeName) spec = humanSpec("ai-like-name");
    else if (p.aiCompanyEmail) spec = humanSpec("ai-company-email");
    else {
      const x = rng.float();
      spec =
        x < 0.025
          ? humanSpec("prose-mention")
          : x < 0.033
            ? humanSpec("aider-committer")
            : x < 0.037
              ? humanSpec("replit-deployment")
              : humanSpec();
    }
    if (spec.class === "human" && spec.hardNegative === null) {
      if (p.aiLikeName) spec.hardNegative = "ai-like-name";
      else if (p.aiCompanyEmail) spec.hardNegative = "ai-company-email";
    }
    const lockOnly = spec.class === "human" && !spec.hardNegative && rng.chance(0.03);
    const trivialDraw = spec.small || rng.chance(0.12);
    const lines = lockOnly
      ? rng.int(10, 400)
      : trivialDraw
        ? rng.int(1, 5)
        : Math.min(5000, Math.max(6, Math.round(Math.exp(3.6 + 1.1 * rng.normal()))));
    const shaped = lockOnly
      ? { files: makeFiles(rng, lines, trivialDraw, lockOnly), title: null }
      : shapeFiles(drng, makeFiles(rng, lines, trivialDraw, lockOnly), {
          formatting: spec.class === "human" && spec.hardNegative === null && spec.title === undefined && !trivialDraw,
          small: trivialDraw,
        });
    const files = shaped.files;
    const t = spec.hardNegative === "prose-mention" ? rng.pick(PROSE_MENTIONS) : (shaped.title ?? spec.title ?? title);
    const commitCount = spec.initialPlan
      ? rng.int(2, 4)
      : rng.weighted([
          [1, 40],
          [rng.int(2, 3), 35],
          [rng.int(4, 8), 20],
          [rng.int(9, 20), 5],
        ]);
    const plan = blankPlan({
      kind: "pr",
      createdAt,
      author: p,
      spec,
      title: t,
      body: `${t}.${spec.body ? `\n\n${spec.body}` : ""}`,
      headRef: spec.headRef ?? `${p.login}/${slugify(t)}`,
      commitCount,
      files,
      trivial: isTrivial(files),
      reviewer: reviewerFor(p),
      mergeMethod: rng.weighted(mergeMix),
      labels: [
        ...(spec.labels ?? []),
        ...(rng.chance(0.3) ? [rng.pick(["bug", "enhancement", "chore", "documentation"])] : []),
      ],
    });
    schedule(plan, spec.class === "ai" ? 14 : 20);
    return plan;
  };

  /** An AI-assisted pull request of a gamer's, `lines` long, merged `mergeAfter` seconds after it opened. */
  const gamingPlan = (p: Person, createdAt: number, lines: number, mergeAfter: number): Plan => {
    const plan = humanPlan(p, createdAt, "claude-code.trailer");
    plan.gaming = true;
    plan.files = makeFiles(rng, lines, false, false);
    plan.trivial = false;
    plan.commitCount = 1;
    plan.mergeAt = Math.min(ctx.now - 60, plan.createdAt + mergeAfter);
    plan.closeAt = null;
    plans.push(plan);
    return plan;
  };
  /** The configured gamers' work in week `w` (GamerStrategy), in their first repository. */
  const gamerWork = (p: Person, w: number): void => {
    const g = p.gaming;
    const inWeek = w === ctx.burstWeek;
    if (g === "spike" && inWeek) {
      for (let i = 0; i < 30; i++) gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(HOUR, 8 * HOUR));
    } else if ((g === "revert-churn" || g === "agent-revert-churn") && inWeek) {
      // Four round trips: merged on Monday or Tuesday, reverted one to two days later.
      for (let i = 0; i < 4; i++) {
        const at = ctx.start + w * WEEK + rng.int(0, 1) * DAY + rng.int(8, 12) * HOUR;
        const orig = gamingPlan(p, at, rng.int(30, 120), rng.int(HOUR, 4 * HOUR));
        const revertAt = (orig.mergeAt as number) + rng.int(DAY, 2 * DAY);
        const formRng = new Prng(ctx.o.seed, "gamer-revert", r, i);
        const agent =
          g === "agent-revert-churn"
            ? {
                ...buildForm("copilot.agent", {
                  rng: formRng,
                  human: { name: p.name, email: p.email, login: p.login },
                  org: ctx.org,
                  repo: name,
                  title: `Revert ${orig.title}`,
                  slug: `revert-${orig.slug}`,
                  createdAt: revertAt,
                }),
                initialPlan: false,
              }
            : null;
        const rev = makeRevert(rng, orig, p, revertAt, g === "agent-revert-churn" ? "agent" : "button", agent);
        rev.gaming = true;
        rev.reviewer = reviewerFor(p);
        plans.push(rev);
      }
    } else if (g === "splitting" && inWeek) {
      // One piece of work (about 180 lines) cut into twelve small, non-trivial pull requests.
      const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
      for (let i = 0; i < 12; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(10, 20), rng.int(HOUR, 6 * HOUR));
        plan.title = `${title} (part ${i + 1} of 12)`;
      }
    } else if (g === "self-merge" && inWeek) {
      for (let i = 0; i < 6; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(600, 2 * HOUR));
        plan.reviewer = null;
      }
    } else if (g === "rubber-stamp" && (inWeek || w === ctx.burstWeek + 1)) {
      const partner = ctx.people.find((x) => x.gaming === "rubber-stamp" && x !== p);
      if (partner === undefined) return;
      for (let i = 0; i < 6; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(90, 300));
        plan.reviewer = partner;
        plan.approveAt = plan.createdAt + rng.int(20, 59);
      }
    }
  };

  // Human and AI pull requests, week by week.
  const rate = ctx.o.pullsPerEngineerWeek;
  let coverage = 0;
  for (let w = 0; w < ctx.o.weeks; w++) {
    for (const p of contributors) {
      if (!activeInWeek(ctx, p, w)) continue;
      const n = rng.poisson((rate * p.rateMul) / p.repos.length);
      for (let i = 0; i < n; i++) {
        const forced =
          coverage < COVERAGE.length && p.gaming === null
            ? (COVERAGE[(coverage + r * 5) % COVERAGE.length] as string)
            : null;
        if (forced) coverage += 1;
        plans.push(humanPlan(p, workTime(rng, ctx, w), forced));
      }
      if (p.gaming === "burst" && w === ctx.burstWeek && p.repos[0] === r) {
        for (let i = 0; i < 25; i++) {
          const plan = humanPlan(p, workTime(rng, ctx, w), "claude-code.trailer");
          plan.gaming = true;
          plan.files = [
            {
              path: `src/${rng.pick(AREAS)}/${rng.hex(6)}.ts`,
              additions: rng.int(1, 2),
              deletions: rng.int(0, 1),
              status: "modified",
            },
          ];
          plan.trivial = true;
          plan.commitCount = 1;
          plan.reviewer = null;
          plan.mergeAt = plan.createdAt + rng.int(300, 3 * HOUR);
          plan.closeAt = null;
          plans.push(plan);
        }
      }
      if (p.repos[0] === r) gamerWork(p, w);
    }
  }
  // Direct pushes on trunk-based repositories.
  if (isTrunkBased(r)) {
    for (let w = 0; w < ctx.o.weeks; w++) {
      for (const p of contributors) {
        if (!activeInWeek(ctx, p, w)) continue;
        for (let i = rng.poisson(1.2); i > 0; i--) {
          const plan = humanPlan(p, workTime(rng, ctx, w), null);
          plan.kind = "push";
          // A direct push has no pull-request patches to read: plain lines.
          plan.files = plainFiles(plan.files);
          plan.trivial = isTrivial(plan.files);
          plan.commitCount = 1;
          plan.mergeAt = plan.createdAt;
          plan.closeAt = null;
          const sp = plan.spec;
          if (sp.prAuthor) plan.spec = humanSpec();
          // With no PR, markers that live only in a PR body or branch name are gone.
          else if (
            sp.class === "ai" &&
            !(sp.trailers?.length || sp.lastTrailers?.length || sp.footer || sp.commitAuthor || sp.subjectPrefix)
          ) {
            plan.spec = { ...sp, observable: false, markerConfidence: null };
          }
          plans.push(plan);
        }
      }
    }
  }
  // Bots.
  let aiPackageBump = false;
  for (let w = 0; w < ctx.o.weeks; w++) {
    const bots: BotKind[] = [];
    if (rng.chance(0.8)) bots.push("dependabot");
    if (r % 2 === 1 && rng.chance(0.5)) bots.push("renovate");
    if (rng.chance(0.3)) bots.push("actions");
    for (const bot of bots) {
      let title: string;
      let files: WorldFile[];
      let hardNegative: string | null = null;
      if (bot === "actions") {
        title = "chore: update generated API docs";
        files = [
          { path: "docs/api.generated.md", additions: rng.int(5, 80), deletions: rng.int(5, 80), status: "modified" },
        ];
      } else {
        const ai = !aiPackageBump || rng.chance(0.05);
        aiPackageBump = true;
        const pkg = ai ? rng.pick(AI_PACKAGES) : rng.pick(PACKAGES);
        if (ai) hardNegative = "bot-ai-package";
        const v = `${rng.int(0, 5)}.${rng.int(0, 40)}.`;
        const from = rng.int(0, 9);
        title =
          bot === "dependabot"
            ? `Bump ${pkg} from ${v}${from} to ${v}${from + 1}`
            : `Update dependency ${pkg} to v${v}${from + 1}`;
        files = [
          { path: "package.json", additions: 1, deletions: 1, status: "modified" },
          {
            path: rng.pick(LOCK_FILES.slice(0, 3)),
            additions: rng.int(3, 60),
            deletions: rng.int(3, 60),
            status: "modified",
          },
        ];
      }
      const createdAt = workTime(rng, ctx, w);
      const plan = blankPlan({
        kind: "pr",
        createdAt,
        bot,
        spec: {
          form: `bot.${bot}`,
          class: "bot",
          tools: [],
          subtype: null,
          observable: true,
          markerConfidence: null,
          hardNegative,
        },
        title,
        body: bot === "actions" ? "Automated changes by GitHub Actions." : `Bumps ${title.split(" ")[1]}.`,
        headRef:
          bot === "dependabot"
            ? `dependabot/npm_and_yarn/${slugify(title)}`
            : bot === "renovate"
              ? `renovate/${slugify(title)}`
              : `actions/update-docs-${w}`,
        files,
        trivial: isTrivial(files),
        reviewer: reviewerFor(null),
        mergeMethod: "squash",
        labels: bot === "actions" ? [] : ["dependencies"],
      });
      plan.headRef = plan.headRef.slice(0, 80);
      schedule(plan, 30);
      plans.push(plan);
    }
  }
  // Very large pull requests (more than 100 and more than 250 commits).
  if (r < 2 && contributors.length > 0) {
    const big = r === 0 ? [120, 260] : [310];
    big.forEach((k, i) => {
      const p = contributors[i % contributors.length] as Person;
      const plan = humanPlan(p, ctx.start + Math.floor(ctx.o.weeks / 3 + i) * WEEK + 2 * DAY + 10 * HOUR, null);
      plan.commitCount = k;
      plan.title = `Migrate ${rng.pick(AREAS)} module to the new framework (${k} commits)`;
      // Plain human work: drop whatever AI form humanPlan drew (body, branch, labels).
      plan.spec = humanSpec();
      plan.body = `${plan.title}.`;
      plan.headRef = `${p.login}/${slugify(plan.title)}`;
      plan.labels = [];
      plan.files = makeFiles(rng, 4000 + k * 10, false, false);
      plan.trivial = false;
      plan.mergeMethod = k > 250 ? "merge" : "squash";
      plan.mergeAt = Math.min(ctx.now - HOUR, plan.createdAt + 5 * DAY);
      plan.closeAt = null;
      plans.push(plan);
    });
  }
  // Reverts (some within 14 days, some later), and a revert of a revert.
  const merged = plans.filter(
    (p) => p.mergeAt !== null && p.kind === "pr" && !p.gaming && p.bot === null && p.commitCount < 100,
  );
  merged.sort((a, b) => (a.mergeAt as number) - (b.mergeAt as number) || a.createdAt - b.createdAt);
  let firstRevert = true;
  for (const orig of merged) {
    if (!(firstRevert ? rng.chance(0.15) : rng.chance(0.02))) continue;
    const late = !firstRevert && rng.chance(0.2);
    const createdAt = (orig.mergeAt as number) + (late ? rng.int(15 * DAY, 25 * DAY) : rng.int(HOUR, 10 * DAY));
    if (createdAt + 6 * HOUR > ctx.now) continue;
    const author = orig.reviewer ?? orig.author ?? contributors[0];
    if (!author) continue;
    // The form is drawn from its own stream: the repository's other draws stay as they were.
    const formRng = new Prng(ctx.o.seed, "revert-form", r, orig.createdAt);
    let form = formRng.weighted(REVERT_FORMS);
    if (form === "squash" && orig.mergeMethod !== "squash") form = "button";
    const agent =
      form === "agent"
        ? {
            ...buildForm("copilot.agent", {
              rng: formRng,
              human: { name: author.name, email: author.email, login: author.login },
              org: ctx.org,
              repo: name,
              title: `Revert ${orig.title}`,
              slug: `revert-${orig.slug}`,
              createdAt,
            }),
            initialPlan: false,
          }
        : null;
    const rev = makeRevert(rng, orig, author, createdAt, form, agent);
    plans.push(rev);
    if (firstRevert && (r === 0 || rng.chance(0.5))) {
      const againAt = (rev.mergeAt as number) + rng.int(DAY, 5 * DAY);
      if (againAt + 6 * HOUR <= ctx.now)
        plans.push(makeRevert(rng, rev, orig.author ?? author, againAt, "button", null));
    }
    firstRevert = false;
  }

  // Numbers in creation order.
  const numbered = plans.filter((p) => p.kind === "pr").sort((a, b) => a.createdAt - b.createdAt);
  numbered.forEach((p, i) => {
    p.number = i + 1;
  });
  // Reverts name their target by number, so their text is written once numbers are known (in
  // creation order: a revert of a revert quotes the first revert's final title).
  for (const p of numbered) if (p.revertOf) writeRevert(p, p.revertOf, full);
  yield* buildRepo(ctx, rng, r, full, branch, method, plans, contributors);
}

const REVERT_FORMS: [RevertForm, number][] = [
  ["button", 4],
  ["squash", 2],
  ["number", 1],
  ["url", 1],
  ["agent", 1],
];

function makeRevert(
  rng: Prng,
  orig: Plan,
  author: Person,
  createdAt: number,
  form: RevertForm,
  agent: FormSpec | null,
): Plan {
  const files = orig.files.map(({ blankAdded, blankRemoved, ...f }) => ({
    ...f,
    additions: f.deletions,
    deletions: f.additions,
    ...(blankRemoved === undefined ? {} : { blankAdded: blankRemoved }),
    ...(blankAdded === undefined ? {} : { blankRemoved: blankAdded }),
  }));
  const plan = blankPlan({
    kind: "pr",
    createdAt,
    author,
    spec: agent ?? humanSpec(null, "human.revert"),
    // Written with the target's number (writeRevert).
    title: `Revert "${orig.title}"`,
    files,
    trivial: isTrivial(files),
    revertOf: orig,
    revertForm: form,
    reviewer: orig.author !== author ? orig.author : null,
    mergeMethod: orig.mergeMethod === "rebase" ? "squash" : orig.mergeMethod,
  });
  plan.mergeAt = createdAt + rng.int(600, 6 * HOUR);
  orig.revertedBy = plan;
  return plan;
}

/** A revert's title, body and branch in its form, once its target's number is known. */
function writeRevert(p: Plan, orig: Plan, full: string): void {
  const n = orig.number;
  const login = (p.author as Person).login;
  switch (p.revertForm) {
    case "squash":
      p.title = `Revert "${orig.title} (#${n})"`;
      p.body = "";
      p.headRef = `${login}/revert-${orig.slug}`;
      break;
    case "number":
      p.title = `Back out ${orig.title}`;
      p.body = `Reverts #${n}: it broke the build.`;
      p.headRef = `${login}/back-out-${orig.slug}`;
      break;
    case "url":
      p.title = `Roll back ${orig.title}`;
      p.body = `This reverts https://github.com/${full}/pull/${n}`;
      p.headRef = `${login}/roll-back-${orig.slug}`;
      break;
    case "agent":
      p.title = `Revert "${orig.title}"`;
      p.body = `Reverts #${n}\n\n${p.spec.body ?? ""}`;
      p.headRef = `copilot/revert-${orig.slug}`;
      break;
    default:
      p.title = `Revert "${orig.title}"`;
      p.body = `Reverts ${full}#${n}`;
      p.headRef = `revert-${n}-${orig.headRef}`;
  }
  p.headRef = p.headRef.slice(0, 100);
  p.slug = slugify(p.title);
}

function* buildRepo(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  method: DeployMethod,
  plans: Plan[],
  contributors: Person[],
): Generator<WorldRecord> {
  const commits: WorldCommit[] = [];
  const mainShas: string[] = [];
  const mainTimes: number[] = [];
  const posOf = new Map<string, number>();
  const newSha = () => rng.hex(40);
  const owner = contributors[0];
  const rootTime = ctx.start - (30 + r) * DAY;
  const root: WorldCommit = {
    type: "commit",
    repo: full,
    sha: newSha(),
    message: "Initial commit",
    author: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    committer: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    parents: [],
    additions: 120,
    deletions: 0,
  };
  commits.push(root);
  const pushMain = (c: WorldCommit, t: number) => {
    commits.push(c);
    posOf.set(c.sha, mainShas.length);
    mainShas.push(c.sha);
    mainTimes.push(t);
  };
  posOf.set(root.sha, 0);
  mainShas.push(root.sha);
  mainTimes.push(rootTime);
  const tipAt = (t: number): number => {
    let lo = 0;
    let hi = mainTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((mainTimes[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const pulls: WorldPull[] = [];
  const changes: Plan[] = [];
  const offBranchCandidates: { sha: string; ref: string; basePos: number }[] = [];

  const botIdent = (b: BotKind): Ident => ({
    name: BOT_ACCOUNTS[b].login,
    email: BOT_ACCOUNTS[b].email,
    login: BOT_ACCOUNTS[b].login,
  });
  const mergingOrder = plans
    .filter((p) => p.mergeAt !== null)
    .sort((a, b) => (a.mergeAt as number) - (b.mergeAt as number) || a.number - b.number);
  const rest = plans.filter((p) => p.mergeAt === null && p.kind === "pr");

  const prCommits = (plan: Plan, basePos: number, until: number): WorldCommit[] => {
    const spec = plan.spec;
    const human = plan.author;
    const out: WorldCommit[] = [];
    const k = plan.commitCount;
    const t0 = plan.createdAt - (rng.chance(0.5) ? rng.int(0, 20 * HOUR) : 0);
    const t1 = Math.max(t0 + k, until - 120);
    const adds = plan.files.reduce((s, f) => s + f.additions, 0);
    const dels = plan.files.reduce((s, f) => s + f.deletions, 0);
    let parent = mainShas[basePos] as string;
    for (let i = 0; i < k; i++) {
      const t = t0 + Math.floor(((t1 - t0) * i) / k);
      let author: Ident;
      if (plan.bot) author = botIdent(plan.bot);
      else if (spec.commitAuthor) author = spec.commitAuthor;
      else author = identOf(human as Person, rng);
      let committer: Ident = spec.commitCommitter ?? author;
      if (spec.hardNegative === "aider-committer") committer = { ...author, name: `${author.name} (aider)` };
      const initialPlan = spec.initialPlan && i === 0;
      let subject = initialPlan
        ? "Initial plan"
        : i === 0
          ? plan.title
          : k > 50
            ? `${rng.pick(FOLLOW_UPS)} (${i + 1}/${k})`
            : rng.pick(FOLLOW_UPS);
      if (spec.subjectPrefix) subject = `${spec.subjectPrefix}${subject}`;
      if (plan.revertOf && i === 0) subject = plan.title;
      // `git revert` (and GitHub's revert button) write the reverted commit; hand-written reverts
      // and the agent's do not.
      const gitRevert = plan.revertForm === "button" || plan.revertForm === "squash";
      const body = gitRevert && i === 0 ? `This reverts commit ${(plan.revertOf as Plan).sha}.` : "";
      const trailers = [...(spec.trailers ?? []), ...(i === k - 1 ? (spec.lastTrailers ?? []) : [])];
      if (spec.hardNegative === "replit-deployment") trailers.push("Replit-Commit-Author: Deployment");
      const c: WorldCommit = {
        type: "commit",
        repo: full,
        sha: newSha(),
        message: messageOf(subject, body, spec.footer, trailers),
        author: { ...author, date: iso(t) },
        committer: { ...committer, date: iso(t) },
        parents: [parent],
        additions: initialPlan ? 0 : Math.round(adds / k),
        deletions: initialPlan ? 0 : Math.round(dels / k),
      };
      parent = c.sha;
      out.push(c);
    }
    return out;
  };

  const prAuthorLogin = (plan: Plan): string =>
    plan.bot ? BOT_ACCOUNTS[plan.bot].login : (plan.spec.prAuthor?.login ?? (plan.author as Person).login);

  const pullRecord = (
    plan: Plan,
    own: WorldCommit[],
    baseSha: string,
    result: WorldCommit[],
    mergedBy: string | null,
  ): WorldPull => {
    const endAt = plan.mergeAt ?? plan.closeAt;
    const human = plan.author;
    const reviews: WorldReview[] = [];
    const reviewer = plan.reviewer;
    if (reviewer && endAt !== null && plan.approveAt !== null) {
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(Math.min(plan.approveAt, endAt)),
        body: "",
      });
    } else if (reviewer && endAt !== null && rng.chance(0.92)) {
      if (rng.chance(0.15)) {
        reviews.push({
          id: ctx.ids.review++,
          user: reviewer.login,
          state: "COMMENTED",
          submittedAt: iso(plan.createdAt + Math.floor((endAt - plan.createdAt) / 3)),
          body: "A couple of questions inline.",
        });
      }
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(endAt - 60),
        body: "",
      });
    }
    const assignHuman = plan.spec.assignHuman && human ? [human.login] : [];
    const additions = plan.files.reduce((s, f) => s + f.additions, 0);
    const deletions = plan.files.reduce((s, f) => s + f.deletions, 0);
    const id = ctx.ids.pull++;
    return {
      type: "pull",
      repo: full,
      number: plan.number,
      id,
      nodeId: `PR_kwDO${id.toString(36)}`,
      title: plan.title,
      body: plan.body,
      author: prAuthorLogin(plan),
      state: endAt === null ? "open" : "closed",
      draft: endAt === null && rng.chance(0.2),
      headRef: plan.headRef,
      headSha: (own.at(-1) as WorldCommit).sha,
      baseRef: branch,
      baseSha,
      labels: plan.labels,
      createdAt: iso(plan.createdAt),
      updatedAt: iso(endAt ?? Math.min(ctx.now, plan.createdAt + DAY)),
      closedAt: endAt === null ? null : iso(endAt),
      mergedAt: plan.mergeAt === null ? null : iso(plan.mergeAt),
      mergedBy,
      mergeMethod: plan.mergeAt === null ? null : plan.mergeMethod,
      assignees: assignHuman,
      requestedReviewers: [...assignHuman, ...(endAt === null && reviewer ? [reviewer.login] : [])],
      requestedTeams: [],
      reviews,
      commits: own.map((c) => c.sha),
      mergeCommitSha: result.length > 0 ? (result.at(-1) as WorldCommit).sha : null,
      resultCommits: result.map((c) => c.sha),
      additions,
      deletions,
      changedFiles: plan.files.length,
      files: plan.files,
    };
  };

  for (const plan of mergingOrder) {
    const t = plan.mergeAt as number;
    const tipPos = mainShas.length - 1;
    const tip = mainShas[tipPos] as string;
    if (plan.kind === "push") {
      const [c] = prCommits(plan, tipPos, t);
      const commit = c as WorldCommit;
      commit.author.date = iso(t);
      commit.committer.date = iso(t);
      pushMain(commit, t);
      plan.sha = commit.sha;
      plan.pos = posOf.get(commit.sha) as number;
      plan.key = `${full}@${commit.sha}`;
      plan.mergedAt = t;
      changes.push(plan);
      continue;
    }
    const basePos = tipAt(plan.createdAt);
    const own = prCommits(plan, basePos, t);
    for (const c of own) commits.push(c);
    const human = plan.author ?? plan.reviewer ?? contributors[0] ?? null;
    const merger =
      plan.bot || plan.spec.prAuthor
        ? (human as Person | null)
        : plan.reviewer && rng.chance(0.35)
          ? plan.reviewer
          : plan.author;
    const mergerIdent: Ident = merger ? { name: merger.name, email: merger.noreply, login: merger.login } : GITHUB;
    const result: WorldCommit[] = [];
    if (plan.mergeMethod === "squash") {
      const authorIdent: Ident = plan.bot
        ? botIdent(plan.bot)
        : plan.spec.prAuthor
          ? {
              name: plan.spec.prAuthor.name ?? plan.spec.prAuthor.login,
              email: plan.spec.prAuthor.email,
              login: plan.spec.prAuthor.login,
            }
          : {
              name: (plan.author as Person).name,
              email: (plan.author as Person).noreply,
              login: (plan.author as Person).login,
            };
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: squashMessage(plan.title, plan.number, own, authorIdent.email),
        author: { ...authorIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else if (plan.mergeMethod === "merge") {
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: `Merge pull request #${plan.number} from ${ctx.org}/${plan.headRef}\n\n${plan.title}`,
        author: { ...mergerIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip, (own.at(-1) as WorldCommit).sha],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else {
      let parent = tip;
      for (const c of own) {
        const rc: WorldCommit = { ...c, sha: newSha(), parents: [parent], committer: { ...GITHUB, date: iso(t) } };
        result.push(rc);
        parent = rc.sha;
      }
    }
    for (const c of result) pushMain(c, t);
    const last = result.at(-1) as WorldCommit;
    plan.sha = last.sha;
    plan.pos = posOf.get(last.sha) as number;
    plan.key = `${full}#${plan.number}`;
    plan.mergedAt = t;
    changes.push(plan);
    if (plan.mergeMethod === "squash" && own.length < 50)
      offBranchCandidates.push({ sha: (own.at(-1) as WorldCommit).sha, ref: plan.headRef, basePos });
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, result, merger?.login ?? null));
  }
  for (const plan of rest) {
    const basePos = tipAt(plan.createdAt);
    const own = prCommits(plan, basePos, plan.closeAt ?? Math.min(ctx.now, plan.createdAt + 2 * DAY));
    for (const c of own) commits.push(c);
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, [], null));
  }

  // Deployments, per method.
  const deploy = simulateDeployments(
    ctx,
    rng,
    r,
    full,
    branch,
    method,
    mainShas,
    mainTimes,
    changes,
    offBranchCandidates,
    contributors,
  );

  for (const c of commits) yield c;
  yield { type: "branch", repo: full, name: branch, sha: mainShas.at(-1) as string };
  pulls.sort((a, b) => a.number - b.number);
  yield* pulls;
  yield* deploy.records;

  // Issues: incidents naming production deployments, and noise.
  const issues = generateIssues({
    seed: ctx.o.seed,
    r,
    full,
    start: ctx.start,
    now: ctx.now,
    rate: ctx.o.incidentRate,
    label: ctx.o.incidentLabel,
    people: contributors.length > 0 ? contributors.map((p) => p.login) : ["github-actions[bot]"],
    deployments: deploy.truths,
    mainShas,
    lastPullNumber: pulls.reduce((max, p) => Math.max(max, p.number), 0),
    ids: ctx.ids,
  });
  yield* issues.issues;

  // Ground truth.
  for (const ch of changes) {
    const revertedBy = ch.revertedBy && ch.revertedBy.mergeAt !== null ? ch.revertedBy : null;
    const within = revertedBy !== null && (revertedBy.mergeAt as number) - ch.mergedAt <= 14 * DAY;
    if (within && ch.deployment) ch.deployment.shippedRevertedChange = true;
    const credited = ch.bot ? null : (ch.author as Person).login;
    if (ch.spec.class === "ai" && ch.author) {
      const day = Math.floor(ch.createdAt / DAY);
      const key = `${ch.author.idx}|${day}|${ch.spec.tools[0]}`;
      ctx.aiWork.set(key, (ctx.aiWork.get(key) ?? 0) + 1);
    }
    const truth: TruthChange = {
      type: "truth-change",
      repo: full,
      key: ch.key,
      kind: ch.kind === "pr" ? "pull_request" : "direct_push",
      number: ch.kind === "pr" ? ch.number : null,
      sha: ch.sha,
      mergedAt: iso(ch.mergedAt),
      class: ch.spec.class,
      tools: ch.spec.tools,
      subtype: ch.spec.subtype,
      form: ch.spec.form,
      observable: ch.spec.observable,
      markerConfidence: ch.spec.markerConfidence,
      hardNegative: ch.spec.hardNegative,
      credited,
      lines: ch.files.reduce((s, f) => s + f.additions + f.deletions, 0),
      whitespaceLines: filesTruth(ch.files).whitespaceLines,
      formatOnly: filesTruth(ch.files).formatOnly,
      trivial: ch.trivial,
      revertOf: ch.revertOf ? ch.revertOf.key : null,
      revertedBy: revertedBy ? revertedBy.key : null,
      revertedWithin14Days: within,
      gaming: ch.gaming,
      deployment: ch.deployment ? ch.deployment.externalId : null,
      deployedAt: ch.deployedAt === null ? null : iso(ch.deployedAt),
    };
    yield truth;
  }
  for (const d of deploy.truths) {
    d.failed = d.production && (d.failedAfterLive || d.rolledBack || d.shippedRevertedChange || d.incident);
    yield d;
  }
  yield* issues.truths;
}

interface DeployResult {
  records: WorldRecord[];
  truths: TruthDeployment[];
}

function simulateDeployments(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  method: DeployMethod,
  mainShas: string[],
  mainTimes: number[],
  changes: Plan[],
  offBranch: { sha: string; ref: string; basePos: number }[],
  contributors: Person[],
): DeployResult {
  const records: WorldRecord[] = [];
  const truths: TruthDeployment[] = [];
  const byPos = [...changes].sort((a, b) => a.pos - b.pos);
  let next = 0;
  /** Ships every change up to `pos` not shipped yet. */
  const ship = (truth: TruthDeployment, pos: number, at: number) => {
    while (next < byPos.length && (byPos[next] as Plan).pos <= pos) {
      const ch = byPos[next++] as Plan;
      ch.deployment = truth;
      ch.deployedAt = at;
      truth.changes.push(ch.key);
    }
  };
  const tipAt = (t: number): number => {
    let lo = 0;
    let hi = mainTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((mainTimes[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const truth = (
    source: TruthDeployment["source"],
    externalId: string,
    environment: string,
    sha: string,
  ): TruthDeployment => ({
    type: "truth-deployment",
    repo: full,
    source,
    externalId,
    environment,
    sha,
    production: false,
    at: null,
    offBranch: false,
    failedAfterLive: false,
    rolledBack: false,
    rollback: false,
    changes: [],
    shippedRevertedChange: false,
    incident: false,
    failed: false,
  });
  const someone = () => (contributors.length > 0 ? (rng.pick(contributors) as Person).login : "github-actions[bot]");
  /** Deployment moments: working hours, `gapHours` apart on average. */
  const moments = (gapHours: number): number[] => {
    const out: number[] = [];
    let t = ctx.start + rng.int(1, 24) * HOUR;
    while (t < ctx.now - HOUR) {
      t += Math.max(HOUR, Math.round(gapHours * HOUR * (0.4 + rng.float() * 1.2)));
      const d = new Date(t * 1000);
      const dow = d.getUTCDay();
      const h = d.getUTCHours();
      if (dow === 0 || dow === 6 || h < 9 || h > 18) continue;
      if (t < ctx.now - HOUR) out.push(t);
    }
    return out;
  };

  if (method.kind === "merge") {
    for (const ch of byPos) {
      const tr = truth("merge", ch.sha, "production", ch.sha);
      tr.production = true;
      tr.at = iso(ch.mergedAt);
      ship(tr, ch.pos, ch.mergedAt);
      truths.push(tr);
    }
    return { records, truths };
  }

  if (method.kind === "deployments") {
    const statusesFor = (
      t: number,
      states: { state: WorldDeploymentStatus["state"]; after: number; description: string }[],
    ) =>
      states.map((s) => ({
        id: ctx.ids.status++,
        state: s.state,
        createdAt: iso(t + s.after),
        description: s.description,
        creator: "github-actions[bot]",
      }));
    const makeDeployment = (
      sha: string,
      ref: string,
      environment: string,
      t: number,
      statuses: WorldDeploymentStatus[],
      description = "",
    ): WorldDeployment => {
      const id = ctx.ids.deployment++;
      return {
        type: "deployment",
        repo: full,
        id,
        nodeId: `DE_kwDO${id.toString(36)}`,
        sha,
        ref,
        task: "deploy",
        environment,
        description,
        creator: someone(),
        createdAt: iso(t),
        updatedAt: statuses.at(-1)?.createdAt ?? iso(t),
        productionEnvironment: environment === "production",
        transientEnvironment: false,
        statuses,
      };
    };
    const live: { truth: TruthDeployment; pos: number; sha: string; fork: number | null }[] = [];
    let livePos = -1;
    let offDone = false;
    for (const t of moments(10)) {
      const pos = tipAt(t);
      // A deployment from a branch, once, when it ships nothing new.
      if (!offDone && live.length > 3 && t > ctx.start + (ctx.now - ctx.start) / 3) {
        const cand = offBranch.find((c) => c.basePos <= livePos && mainTimes[c.basePos] !== undefined);
        if (cand) {
          offDone = true;
          const st = statusesFor(t, [
            { state: "in_progress", after: 20, description: "Deploying" },
            { state: "success", after: rng.int(180, 900), description: "Deployed" },
          ]);
          const d = makeDeployment(cand.sha, cand.ref, "production", t, st, "Hotfix preview from branch");
          records.push(d);
          const tr = truth("deployment", String(d.id), "production", cand.sha);
          tr.production = true;
          tr.offBranch = true;
          tr.at = st[1]?.createdAt ?? null;
          truths.push(tr);
          live.push({ truth: tr, pos: -1, sha: cand.sha, fork: cand.basePos });
          continue;
        }
      }
      if (pos <= livePos) continue;
      const sha = mainShas[pos] as string;
      if (rng.chance(0.4)) {
        const st = statusesFor(t - 1200, [
          { state: "in_progress", after: 10, description: "Deploying" },
          { state: "success", after: rng.int(120, 600), description: "Deployed" },
        ]);
        const staging = makeDeployment(sha, branch, "staging", t - 1200, st);
        records.push(staging);
        truths.push(truth("deployment", String(staging.id), "staging", sha));
      }
      const outcome = rng.weighted([
        ["ok", 84],
        ["fail-before-live", 5],
        ["fail-after-live", 6],
        ["rollback", live.length > 0 ? 5 : 0],
      ] as const);
      const liveAfter = rng.int(180, 900);
      const states: { state: WorldDeploymentStatus["state"]; after: number; description: string }[] = [
        { state: "in_progress", after: 20, description: "Deploying" },
      ];
      if (outcome === "fail-before-live")
        states.push({
          state: rng.chance(0.7) ? "failure" : "error",
          after: liveAfter,
          description: "Deployment failed",
        });
      else states.push({ state: "success", after: liveAfter, description: "Deployed" });
      if (outcome === "fail-after-live")
        states.push({
          state: rng.chance(0.7) ? "failure" : "error",
          after: liveAfter + rng.int(900, 7200),
          description: "Health checks failed after release",
        });
      const st = statusesFor(t, states);
      const d = makeDeployment(sha, branch, "production", t, st);
      records.push(d);
      const tr = truth("deployment", String(d.id), "production", sha);
      truths.push(tr);
      if (outcome === "fail-before-live") continue;
      const at = t + liveAfter;
      tr.production = true;
      tr.at = iso(at);
      tr.failedAfterLive = outcome === "fail-after-live";
      ship(tr, pos, at);
      live.push({ truth: tr, pos, sha, fork: null });
      livePos = pos;
      if (outcome === "rollback") {
        const prev = [...live].reverse().find((l) => l.pos >= 0 && l.pos < pos);
        if (prev) {
          const rt = at + rng.int(HOUR, 3 * HOUR);
          const rst = statusesFor(rt, [
            { state: "in_progress", after: 15, description: "Rolling back" },
            { state: "success", after: rng.int(120, 400), description: "Deployed" },
          ]);
          const rd = makeDeployment(prev.sha, prev.sha, "production", rt, rst, `Rollback to ${prev.sha.slice(0, 7)}`);
          records.push(rd);
          const rtr = truth("deployment", String(rd.id), "production", prev.sha);
          rtr.production = true;
          rtr.rollback = true;
          rtr.at = rst[1]?.createdAt ?? null;
          truths.push(rtr);
          live.push({ truth: rtr, pos: prev.pos, sha: prev.sha, fork: null });
          livePos = prev.pos;
        }
      }
    }
    // Rolled back: the next live production deployment is at an ancestor commit.
    const ancestor = (a: (typeof live)[number], b: (typeof live)[number]): boolean => {
      if (a.pos >= 0 && b.pos >= 0) return a.pos <= b.pos;
      if (a.pos >= 0 && b.fork !== null) return a.pos <= b.fork;
      return a.sha === b.sha;
    };
    for (let i = 0; i + 1 < live.length; i++) {
      const cur = live[i] as (typeof live)[number];
      const nxt = live[i + 1] as (typeof live)[number];
      if (ancestor(nxt, cur)) cur.truth.rolledBack = true;
    }
    return { records, truths };
  }

  if (method.kind === "releases") {
    let minor = 0;
    let patch = 0;
    let rc = 0;
    let lastPos = -1;
    for (const t of moments(60)) {
      const pos = tipAt(t);
      if (pos <= lastPos) continue;
      const sha = mainShas[pos] as string;
      const kind = rng.weighted([
        ["release", 86],
        ["prerelease", 8],
        ["draft", 6],
      ] as const);
      if (kind === "release") {
        if (rng.chance(0.2)) {
          minor += 1;
          patch = 0;
        } else patch += 1;
      }
      const tag = kind === "prerelease" ? `v1.${minor + 1}.0-rc.${++rc}` : `v1.${minor}.${patch}`;
      const id = ctx.ids.release++;
      const author = someone();
      if (kind !== "draft")
        records.push({
          type: "tag",
          repo: full,
          name: tag,
          sha,
          taggedAt: iso(mainTimes[pos] as number),
          annotated: false,
        });
      records.push({
        type: "release",
        repo: full,
        id,
        tagName: kind === "draft" ? `v1.${minor}.${patch + 1}` : tag,
        name: kind === "draft" ? `v1.${minor}.${patch + 1} (draft)` : tag,
        body: `## What's changed\n\nRelease ${tag}.`,
        draft: kind === "draft",
        prerelease: kind === "prerelease",
        createdAt: iso(t - 300),
        publishedAt: kind === "draft" ? null : iso(t),
        targetSha: sha,
        author,
      });
      const tr = truth("release", String(id), "production", sha);
      truths.push(tr);
      if (kind !== "release") continue;
      tr.production = true;
      tr.at = iso(t);
      ship(tr, pos, t);
      lastPos = pos;
    }
    return { records, truths };
  }

  if (method.kind === "tags") {
    let minor = 0;
    let patch = 0;
    let lastPos = -1;
    const pattern = new RegExp(method.pattern);
    for (const t of moments(30)) {
      const pos = tipAt(t);
      if (pos <= lastPos) continue;
      const sha = mainShas[pos] as string;
      if (rng.chance(0.1)) {
        const name = `nightly-${iso(t).slice(0, 10).replaceAll("-", "")}`;
        records.push({ type: "tag", repo: full, name, sha, taggedAt: iso(mainTimes[pos] as number), annotated: false });
        truths.push(truth("tag", name, "production", sha));
        continue;
      }
      if (rng.chance(0.15)) {
        minor += 1;
        patch = 0;
      } else patch += 1;
      const name = `v2.${minor}.${patch}`;
      records.push({ type: "tag", repo: full, name, sha, taggedAt: iso(t), annotated: true });
      const tr = truth("tag", name, "production", sha);
      truths.push(tr);
      if (!pattern.test(name)) continue;
      tr.production = true;
      tr.at = iso(t);
      ship(tr, pos, t);
      lastPos = pos;
    }
    return { records, truths };
  }

  // Workflow: a Deploy workflow run a few times a day, plus CI runs (not deployments) on pushes.
  let runNumber = 0;
  let ciNumber = 0;
  let lastPos = -1;
  const workflowId = 600_000 + 2 * r;
  for (const t of moments(12)) {
    const pos = tipAt(t);
    if (pos <= lastPos) continue;
    const sha = mainShas[pos] as string;
    const conclusion = rng.weighted([
      ["success", 88],
      ["failure", 9],
      ["cancelled", 3],
    ] as const);
    const id = ctx.ids.run++;
    const done = t + rng.int(240, 1500);
    records.push({
      type: "workflow-run",
      repo: full,
      id,
      workflowId,
      name: method.kind === "workflow" ? method.name : "Deploy",
      path: method.kind === "workflow" ? method.path : ".github/workflows/deploy.yml",
      runNumber: ++runNumber,
      headSha: sha,
      headBranch: branch,
      event: rng.chance(0.7) ? "workflow_dispatch" : "push",
      status: "completed",
      conclusion,
      actor: someone(),
      createdAt: iso(t),
      updatedAt: iso(done),
    });
    const tr = truth("workflow", String(id), "production", sha);
    truths.push(tr);
    if (conclusion !== "success") continue;
    tr.production = true;
    tr.at = iso(done);
    ship(tr, pos, done);
    lastPos = pos;
  }
  for (const ch of byPos) {
    if (!rng.chance(0.5)) continue;
    records.push({
      type: "workflow-run",
      repo: full,
      id: ctx.ids.run++,
      workflowId: workflowId + 1,
      name: "CI",
      path: ".github/workflows/ci.yml",
      runNumber: ++ciNumber,
      headSha: ch.sha,
      headBranch: branch,
      event: "push",
      status: "completed",
      conclusion: rng.chance(0.95) ? "success" : "failure",
      actor: ch.author?.login ?? "github-actions[bot]",
      createdAt: iso(ch.mergedAt + 30),
      updatedAt: iso(ch.mergedAt + 30 + rng.int(120, 900)),
    });
  }
  return { records, truths };
}
