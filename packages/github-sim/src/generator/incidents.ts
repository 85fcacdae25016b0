import type { TruthDeployment, TruthIssue, WorldIssue } from "../world/schema.js";
import { Prng } from "./prng.js";
import { AREAS } from "./vocabulary.js";

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/** Epoch seconds to `YYYY-MM-DDTHH:MM:SSZ`. */
function iso(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}

export interface IssueInput {
  seed: number;
  /** Repository index (the PRNG stream) and full name. */
  r: number;
  full: string;
  start: number;
  now: number;
  /** Share of production deployments that get an incident issue (0 for none). */
  rate: number;
  label: string;
  /** Logins that open issues (the repository's contributors; never empty). */
  people: string[];
  /** The repository's deployment candidates (production ones have `production` and `at`); `incident` is set here. */
  deployments: TruthDeployment[];
  /** Default-branch commits, oldest first. */
  mainShas: string[];
  /** The repository's highest pull-request number: issues are numbered after it. */
  lastPullNumber: number;
  /** Next issue id (shared counter). */
  ids: { issue: number };
}

export interface IssueOutput {
  issues: WorldIssue[];
  truths: TruthIssue[];
}

/** Sha tokens a reader finds in an issue: 7 to 40 hex digits standing alone. */
export const SHA_TOKEN = /\b[0-9a-f]{7,40}\b/g;

const INCIDENT_PHRASES: ((sha: string, area: string) => { title: string; body: string })[] = [
  (sha) => ({
    title: `Checkout 500s after deploy ${sha}`,
    body: "Error rate on /checkout jumped right after the deploy. Paging on-call.",
  }),
  (sha) => ({
    title: `Rollback? Errors since ${sha} went out`,
    body: "Seeing a spike of errors in the logs. Should we roll back?",
  }),
  (sha, area) => ({
    title: `Elevated latency on the ${area} service`,
    body: `p99 latency went up about tenfold after \`${sha}\` was deployed to production.\n\nImpact: slow pages for most users.`,
  }),
  (sha, area) => ({
    title: `Incident: ${area} jobs failing in production`,
    body: `Started right after the deploy of ${sha}.\n\n## Impact\nJobs are retried and pile up.\n\n## Timeline\n- alert fired\n- on-call acknowledged`,
  }),
  (sha, area) => ({
    title: `[SEV2] ${area} degraded since ${sha}`,
    body: "Customers report timeouts. Investigating.",
  }),
  (sha, area) => ({
    title: `Login loop in ${area} after today's release`,
    body: `Users are sent back to the login page. Deployed commit: ${sha}. Reverting is being discussed.`,
  }),
];

const NO_SHA_INCIDENTS: ((area: string) => { title: string; body: string })[] = [
  (area) => ({ title: `Pager: ${area} queue backlog`, body: "The queue is growing. Probably an upstream outage." }),
  (area) => ({
    title: `Incident: third-party outage affecting ${area}`,
    body: "Our payment provider is down; nothing we shipped. Tracking here.",
  }),
  (area) => ({ title: `Disk full on ${area} workers`, body: "Cleaned up old logs; monitoring." }),
];

const OTHER_ISSUES: {
  label: string;
  make: (sha: string | null, area: string) => { title: string; body: string };
}[] = [
  {
    label: "bug",
    make: (sha, area) => ({
      title: `Flaky test in ${area}`,
      body: sha ? `Fails about once in ten runs since ${sha}. Not user-facing.` : "Fails about once in ten runs.",
    }),
  },
  {
    label: "bug",
    make: (sha, area) => ({
      title: `Typo in the ${area} settings page`,
      body: sha ? `Introduced in ${sha}, it seems.` : "The label says 'recieve'.",
    }),
  },
  {
    label: "enhancement",
    make: (sha, area) => ({
      title: `Support CSV export in ${area}`,
      body: sha ? `Builds on the work in ${sha}. Would help the finance team.` : "Would help the finance team.",
    }),
  },
  {
    label: "question",
    make: (sha, area) => ({
      title: `How do I roll back the ${area} service?`,
      body: sha ? `For example back to ${sha}: is there a runbook?` : "Is there a runbook?",
    }),
  },
];

/**
 * Issues of one repository: incident issues for about `rate` of its production deployments
 * (opened 10 minutes to 36 hours after the deployment went live and before the repository's next
 * production deployment did, naming it by a 7-12 digit prefix of its sha), and noise that must not
 * count: other labels mentioning shas, incident issues naming no sha or a sha no production
 * deployment has, and at most one incident issue opened before the deployment it names went
 * live. Marks the named deployments' `incident`. Numbers follow the last pull request's, in
 * creation order. Deterministic: its own PRNG stream per repository.
 */
export function generateIssues(input: IssueInput): IssueOutput {
  const rng = new Prng(input.seed, "issues", input.r);
  const live = input.deployments
    .filter((d) => d.production && d.at !== null)
    .map((d) => ({ d, at: Math.floor(Date.parse(d.at as string) / 1000) }))
    .sort((a, b) => a.at - b.at);
  /** The deployment an incident naming `prefix` at `openedAt` marks (METRICS.md; the engine's rule). */
  const marked = (prefix: string, openedAt: number): TruthDeployment | null => {
    let best: (typeof live)[number] | null = null;
    for (const l of live) if (l.d.sha.startsWith(prefix) && l.at <= openedAt && (!best || l.at > best.at)) best = l;
    return best?.d ?? null;
  };
  const anyProduction = (prefix: string) => live.some((l) => l.d.sha.startsWith(prefix));
  const prefixOf = (sha: string) => sha.slice(0, rng.int(7, 12));

  type Draft = { createdAt: number; labels: string[]; title: string; body: string; truth: Omit<TruthIssue, "number"> };
  const drafts: Draft[] = [];
  const truthOf = (incidentOf: string | null, noise: TruthIssue["noise"], text: string) => ({
    type: "truth-issue" as const,
    repo: input.full,
    incidentOf,
    noise,
    shas: [...text.matchAll(SHA_TOKEN)].map((m) => m[0]),
  });
  const incidentLabels = () => (rng.chance(0.3) ? [input.label, rng.pick(["sev1", "sev2", "sev3"])] : [input.label]);
  /** An issue with the incident label: naming `incidentOf` (a deployment), or noise of kind `noise`. */
  const addIncident = (
    createdAt: number,
    { title, body }: { title: string; body: string },
    incidentOf: string | null,
    noise: TruthIssue["noise"],
  ) => {
    drafts.push({
      createdAt,
      labels: incidentLabels(),
      title,
      body,
      truth: truthOf(incidentOf, noise, `${title}\n${body}`),
    });
  };

  let beforeLiveDone = false;
  for (let i = 0; i < live.length; i++) {
    const cur = live[i] as (typeof live)[number];
    const nextAt = live[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    const earliest = cur.at + 10 * MINUTE;
    const latest = Math.min(cur.at + 36 * HOUR, nextAt - MINUTE, input.now - MINUTE);
    const area = rng.pick(AREAS);
    if (latest >= earliest && rng.chance(input.rate)) {
      const openedAt = rng.int(earliest, latest);
      const prefix = prefixOf(cur.d.sha);
      if (marked(prefix, openedAt) === cur.d) {
        const phrase = rng.pick(INCIDENT_PHRASES)(prefix, area);
        cur.d.incident = true;
        addIncident(openedAt, phrase, cur.d.externalId, null);
      }
    }
    // Noise near this deployment.
    if (input.rate > 0 && rng.chance(input.rate / 3)) {
      const phrase = rng.pick(NO_SHA_INCIDENTS)(area);
      const openedAt = Math.min(input.now - MINUTE, cur.at + rng.int(HOUR, 3 * DAY));
      addIncident(openedAt, phrase, null, "no-sha");
    }
    if (input.rate > 0 && rng.chance(input.rate / 4)) {
      // A commit no production deployment has (a branch tip that never shipped), or a mistyped sha.
      const candidate = rng.chance(0.5) ? rng.pick(input.mainShas) : rng.hex(40);
      const prefix = prefixOf(candidate);
      if (!anyProduction(prefix)) {
        const openedAt = Math.min(input.now - MINUTE, cur.at + rng.int(HOUR, 2 * DAY));
        const phrase = rng.pick(INCIDENT_PHRASES)(prefix, area);
        addIncident(openedAt, phrase, null, "unknown-sha");
      }
    }
    if (input.rate > 0 && !beforeLiveDone && i > 2 && rng.chance(input.rate / 5)) {
      // Opened before the deployment it names went live (e.g. during the rollout, about the
      // previous release): no deployment of that sha was live yet, so it names nothing.
      const openedAt = cur.at - rng.int(2 * MINUTE, 15 * MINUTE);
      const prefix = prefixOf(cur.d.sha);
      if (openedAt > (live[i - 1]?.at ?? 0) && marked(prefix, openedAt) === null) {
        beforeLiveDone = true;
        const phrase = rng.pick(INCIDENT_PHRASES)(prefix, area);
        addIncident(openedAt, phrase, null, "before-live");
      }
    }
  }
  // Everyday issues with other labels, some mentioning shas (deployed ones too).
  const weeks = Math.max(1, Math.round((input.now - input.start) / (7 * DAY)));
  const others = input.rate > 0 ? Math.round(weeks * (0.3 + rng.float() * 0.4)) : 0;
  for (let k = 0; k < others; k++) {
    const kind = rng.pick(OTHER_ISSUES);
    const sha =
      rng.chance(0.6) && input.mainShas.length > 0
        ? prefixOf(rng.chance(0.5) && live.length > 0 ? rng.pick(live).d.sha : rng.pick(input.mainShas))
        : null;
    const { title, body } = kind.make(sha, rng.pick(AREAS));
    drafts.push({
      createdAt: rng.int(input.start, input.now - HOUR),
      labels: [kind.label],
      title,
      body,
      truth: truthOf(null, "other-label", `${title}\n${body}`),
    });
  }

  drafts.sort((a, b) => a.createdAt - b.createdAt);
  const issues: WorldIssue[] = [];
  const truths: TruthIssue[] = [];
  drafts.forEach((draft, k) => {
    const number = input.lastPullNumber + k + 1;
    const id = input.ids.issue++;
    const incident = draft.labels.includes(input.label);
    const closeAt =
      rng.chance(incident ? 0.9 : 0.5) &&
      draft.createdAt + (incident ? rng.int(30 * MINUTE, 5 * DAY) : rng.int(DAY, 30 * DAY));
    const closedAt = closeAt !== false && closeAt < input.now ? closeAt : null;
    const comments = incident ? rng.int(1, 12) : rng.int(0, 4);
    const updatedAt = closedAt ?? Math.min(input.now, draft.createdAt + rng.int(0, 2 * DAY));
    issues.push({
      type: "issue",
      repo: input.full,
      number,
      id,
      nodeId: `I_kwDO${id.toString(36)}`,
      title: draft.title,
      body: draft.body,
      author: rng.pick(input.people),
      labels: draft.labels,
      state: closedAt === null ? "open" : "closed",
      createdAt: iso(draft.createdAt),
      updatedAt: iso(updatedAt),
      closedAt: closedAt === null ? null : iso(closedAt),
      comments,
    });
    truths.push({ ...draft.truth, number });
  });
  return { issues, truths };
}
