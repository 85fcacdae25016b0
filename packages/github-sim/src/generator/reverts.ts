/**
 * Reverts: which merged changes are reverted, when and by whom, in which form (METRICS.md "Change
 * failure rate"), and a revert's title, body and branch once its target's number is known.
 */

import { isTrivial } from "./files.js";
import { buildForm, type FormSpec } from "./forms.js";
import { DAY, HOUR, type Person, type Plan, type RevertForm, slugify } from "./model.js";
import { Prng } from "./prng.js";
import { blankPlan, humanSpec, type RepoPlanner } from "./pull-plan.js";

const REVERT_FORMS: [RevertForm, number][] = [
  ["button", 4],
  ["squash", 2],
  ["number", 1],
  ["url", 1],
  ["agent", 1],
];

/** A revert of `orig` by `author`, opened at `createdAt` and merged within 6 hours. */
export function makeRevert(
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
export function writeRevert(p: Plan, orig: Plan, full: string): void {
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

/**
 * Reverts of the repository's merged pull requests (bots', gamers' and very large ones aside), in
 * merge order: each with a chance of 15% until one is reverted, then 2% (a fifth of these late:
 * 15 to 25 days after the merge); and a revert of the first revert (always in the first
 * repository, else half the time). The form comes from a stream of its own per reverted change.
 */
export function planReverts(rp: RepoPlanner): void {
  const { ctx, rng, r, name, contributors, plans } = rp;
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
}
