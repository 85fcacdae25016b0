/** Deployments: how each deployment method ships a repository's changes, and the deployments' ground truth. */
import type {
  DeployMethod,
  TruthDeployment,
  WorldDeployment,
  WorldDeploymentStatus,
  WorldRecord,
} from "../world/schema.js";
import type { OffBranchCandidate } from "./history.js";
import { type Context, HOUR, iso, type Person, type Plan, tipAt } from "./model.js";
import type { Prng } from "./prng.js";

/** A repository's deployment records (deployments, tags, releases, workflow runs) and their ground truth. */
export interface DeployResult {
  records: WorldRecord[];
  truths: TruthDeployment[];
}

/**
 * Deploys the repository's history by its method (`deployMethodOf`): every merge; GitHub
 * deployments (staging, production, failures before and after going live, rollbacks, one from a
 * branch); releases; version tags; or a Deploy workflow (with CI runs besides). Each production
 * deployment ships the changes not shipped before it, up to its commit.
 */
export function simulateDeployments(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  method: DeployMethod,
  mainShas: string[],
  mainTimes: number[],
  changes: Plan[],
  offBranch: OffBranchCandidate[],
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
      const pos = tipAt(mainTimes, t);
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
      const pos = tipAt(mainTimes, t);
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
      const pos = tipAt(mainTimes, t);
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
    const pos = tipAt(mainTimes, t);
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
