/**
 * Gamers' work (`GamerStrategy`, docs/simulator.md): the pull requests a gamer opens in the world's
 * middle week, in their first repository, on top of their ordinary work.
 */

import { makeFiles } from "./files.js";
import { buildForm } from "./forms.js";
import { DAY, HOUR, type Person, type Plan, WEEK, workTime } from "./model.js";
import { Prng } from "./prng.js";
import { humanPlan, type RepoPlanner, reviewerFor } from "./pull-plan.js";
import { makeRevert } from "./reverts.js";
import { AREAS, OBJECTS, VERBS } from "./vocabulary.js";

/** An AI-assisted pull request of a gamer's, `lines` long, merged `mergeAfter` seconds after it opened. */
function gamingPlan(rp: RepoPlanner, p: Person, createdAt: number, lines: number, mergeAfter: number): Plan {
  const { ctx, rng, plans } = rp;
  const plan = humanPlan(rp, p, createdAt, "claude-code.trailer");
  plan.gaming = true;
  plan.files = makeFiles(rng, lines, false, false);
  plan.trivial = false;
  plan.commitCount = 1;
  plan.mergeAt = Math.min(ctx.now - 60, plan.createdAt + mergeAfter);
  plan.closeAt = null;
  plans.push(plan);
  return plan;
}

/** A `burst` gamer's week `w`: 25 trivial (1-3 line) AI-assisted pull requests, merged unreviewed. */
export function burstWork(rp: RepoPlanner, p: Person, w: number): void {
  const { ctx, rng, plans } = rp;
  for (let i = 0; i < 25; i++) {
    const plan = humanPlan(rp, p, workTime(rng, ctx, w), "claude-code.trailer");
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

/** The configured gamers' work in week `w` (GamerStrategy), in their first repository. */
export function gamerWork(rp: RepoPlanner, p: Person, w: number): void {
  const { ctx, rng, r, name, plans } = rp;
  const g = p.gaming;
  const inWeek = w === ctx.burstWeek;
  if (g === "spike" && inWeek) {
    for (let i = 0; i < 30; i++) gamingPlan(rp, p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(HOUR, 8 * HOUR));
  } else if ((g === "revert-churn" || g === "agent-revert-churn") && inWeek) {
    // Four round trips: merged on Monday or Tuesday, reverted one to two days later.
    for (let i = 0; i < 4; i++) {
      const at = ctx.start + w * WEEK + rng.int(0, 1) * DAY + rng.int(8, 12) * HOUR;
      const orig = gamingPlan(rp, p, at, rng.int(30, 120), rng.int(HOUR, 4 * HOUR));
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
      rev.reviewer = reviewerFor(rp, p);
      plans.push(rev);
    }
  } else if (g === "splitting" && inWeek) {
    // One piece of work (about 180 lines) cut into twelve small, non-trivial pull requests.
    const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
    for (let i = 0; i < 12; i++) {
      const plan = gamingPlan(rp, p, workTime(rng, ctx, w), rng.int(10, 20), rng.int(HOUR, 6 * HOUR));
      plan.title = `${title} (part ${i + 1} of 12)`;
    }
  } else if (g === "self-merge" && inWeek) {
    for (let i = 0; i < 6; i++) {
      const plan = gamingPlan(rp, p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(600, 2 * HOUR));
      plan.reviewer = null;
    }
  } else if (g === "rubber-stamp" && (inWeek || w === ctx.burstWeek + 1)) {
    const partner = ctx.people.find((x) => x.gaming === "rubber-stamp" && x !== p);
    if (partner === undefined) return;
    for (let i = 0; i < 6; i++) {
      const plan = gamingPlan(rp, p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(90, 300));
      plan.reviewer = partner;
      plan.approveAt = plan.createdAt + rng.int(20, 59);
    }
  }
}
