import type { MetricsChange } from "./inputs.js";

/**
 * Reverts (METRICS.md "Qualifying change" and "Change failure rate"). A change claims to revert
 * another when
 * - its body or a commit message says "This reverts commit <sha>" (`git revert`),
 * - it is titled `Revert "<title>"`, including `Revert "<title> (#<n>)"` as `git revert` writes it
 *   for a squash commit (the target is pull request n), and nested `Revert "Revert "...""`,
 * - a line of its body (or its title) starts by naming the reverted pull request by number or URL:
 *   `Reverts owner/repo#<n>` (GitHub's revert button), `Reverts #<n>`,
 *   `This reverts https://github.com/owner/repo/pull/<n>` (not another repository's),
 * - its title is a Conventional Commits revert: `fix: revert "<title>"`, `revert: <header>`,
 *   `<type>: revert <words> (#<n>)`,
 * - its head branch is `revert-<n>-...` (GitHub's revert button).
 * Targets are resolved in the same repository by commit, then by number; the title is only a
 * fallback (titles repeat), used when nothing else resolves. A change is reverted when a revert of
 * it merged within the window, whatever happened to the revert later.
 *
 * A change is itself a revert (never qualifying) when its own text says so, whether or not the
 * target is in the data (it may predate the lookback): a revert title, a revert branch or body
 * naming another pull request, or (a pushed commit, or a pull request all of whose commits are
 * `git revert` commits) "This reverts commit" naming a commit that is not its own. A feature pull
 * request with one interim revert commit among others is not a revert. The verdict reads only the
 * change itself, so the incremental rollups keep it like the trivial verdict.
 */

export type RevertInput = Pick<
  MetricsChange,
  | "key"
  | "repo"
  | "number"
  | "title"
  | "body"
  | "headRef"
  | "commitMessages"
  | "landingShas"
  | "commitShas"
  | "mergedAt"
>;

const REVERTS_COMMIT = /This reverts commit ([0-9a-f]{7,40})/gi;
const MENTIONS_REVERT = /reverts commit/i;
/** A Conventional Commits type (and scope) before a title: `fix: `, `chore(deps)!: `. */
const CONVENTIONAL = /^[a-z]+(?:\([^)]*\))?!?:\s*/i;
/** `Revert "<title>"`, also after a type (`fix: revert "<title>"`) or as the type (`revert: "<title>"`). */
const REVERT_TITLE = /^revert:?\s+"(.*)"\s*$/i;
/** The Conventional Commits `revert` type: `revert: <header of the reverted commit>`, `revert(scope): ...`. */
const REVERT_TYPE = /^revert(?:\([^)]*\))?!?:\s*(.+)$/i;
/** `<type>: revert <words> (#<n>)`, `chore: revert #<n>`: a revert naming the pull request at the end. */
const REVERT_WORDS_NUMBER = /^revert\s+(?:.*?\s)?\(?#(\d+)\)?$/i;
/** A squash commit's subject ends with its pull request's number: `<title> (#<n>)`. */
const SQUASH_SUFFIX = /^(.*) \(#(\d+)\)$/;
const REVERT_BRANCH = /^revert-(\d+)-/;
/**
 * At the start of a line: "Reverts owner/repo#12" (GitHub's revert button), "Reverts #12",
 * "This reverts https://github.com/owner/repo/pull/12", "This PR reverts #12", "Revert of PR #12".
 * Mid-sentence mentions ("we should revert #12") are not claims.
 */
const REVERTS_PULL =
  /^[ \t]*(?:[-*][ \t]+)?(?:this[ \t]+(?:(?:pr|pull request|change)[ \t]+)?)?reverts?(?:[ \t]+of)?:?[ \t]+(?:(?:the[ \t]+)?(?:pull request|PR|change)[ \t]+)?(?:([A-Za-z0-9][\w.-]*\/[\w.-]+)#|<?https?:\/\/github\.com\/([A-Za-z0-9][\w.-]*\/[\w.-]+)\/pull\/|#)(\d+)\b/gim;
const MENTIONS_PULL_REVERT = /revert/i;

interface RevertClaims {
  change: RevertInput;
  shas: string[];
  title: string | null;
  /** Pull requests of the same repository it names (branch, body, title, squash suffix). */
  numbers: number[];
  /** The change is a revert by its own text (see above). */
  isRevert: boolean;
}

function ownSha(c: RevertInput, sha: string): boolean {
  for (const list of [c.commitShas, c.landingShas]) for (const s of list) if (s.startsWith(sha)) return true;
  return false;
}

/** What a change claims to revert (no lookups yet); null for the vast majority that claim nothing. */
function claimsOf(c: RevertInput): RevertClaims | null {
  const shas: string[] = [];
  let isRevert = false;
  const bodyShas = MENTIONS_REVERT.test(c.body) ? [...c.body.matchAll(REVERTS_COMMIT)] : [];
  for (const m of bodyShas) {
    const sha = (m[1] as string).toLowerCase();
    shas.push(sha);
    if (!ownSha(c, sha)) isRevert = true;
  }
  let revertCommits = 0;
  for (const text of c.commitMessages) {
    if (!MENTIONS_REVERT.test(text)) continue;
    let foreign = false;
    for (const m of text.matchAll(REVERTS_COMMIT)) {
      const sha = (m[1] as string).toLowerCase();
      shas.push(sha);
      if (!ownSha(c, sha)) foreign = true;
    }
    if (foreign) revertCommits += 1;
  }
  if (revertCommits > 0 && revertCommits === c.commitMessages.length) isRevert = true;

  const numbers: number[] = [];
  const own = (n: number) => c.number !== null && n === c.number;
  const claim = (n: number) => {
    if (!own(n)) numbers.push(n);
  };
  let title: string | null = null;
  if (MENTIONS_PULL_REVERT.test(c.title)) {
    const bare = c.title.replace(CONVENTIONAL, "");
    const typed = REVERT_TYPE.exec(c.title);
    const quoted = REVERT_TITLE.exec(bare) ?? (typed === null ? null : /^"(.*)"\s*$/.exec(typed[1] as string));
    if (quoted !== null) title = quoted[1] as string;
    else if (typed !== null) title = (typed[1] as string).trim();
    const named = REVERT_WORDS_NUMBER.exec(bare);
    if (title !== null || named !== null) isRevert = true;
    if (named !== null) claim(Number(named[1]));
    if (title !== null) {
      const squash = SQUASH_SUFFIX.exec(title);
      if (squash !== null) claim(Number(squash[2]));
    }
  }
  const branch = c.headRef?.startsWith("revert-") ? REVERT_BRANCH.exec(c.headRef) : null;
  if (branch !== null && !own(Number(branch[1]))) {
    numbers.push(Number(branch[1]));
    isRevert = true;
  }
  for (const text of [c.title.replace(CONVENTIONAL, ""), c.body]) {
    if (!MENTIONS_PULL_REVERT.test(text)) continue;
    for (const m of text.matchAll(REVERTS_PULL)) {
      const repo = (m[1] ?? m[2] ?? null)?.toLowerCase() ?? null;
      // A pull request of another repository is not a change here (an upstream's, a fork's).
      if (repo !== null && repo !== c.repo.toLowerCase()) continue;
      const n = Number(m[3]);
      if (own(n)) continue;
      numbers.push(n);
      isRevert = true;
    }
  }
  if (shas.length === 0 && title === null && numbers.length === 0 && !isRevert) return null;
  return { change: c, shas, title, numbers, isRevert };
}

/** For each change, the keys of the changes it reverts (same repository, merged no later). */
export function revertTargets(changes: readonly RevertInput[]): Map<string, string[]> {
  return analyse(changes).targets;
}

/** Whether a change is itself a revert, by its own text (see above). */
export function isRevert(c: RevertInput): boolean {
  return claimsOf(c)?.isRevert ?? false;
}

function analyse(changes: readonly RevertInput[]): { targets: Map<string, string[]>; reverts: Set<string> } {
  const claims: RevertClaims[] = [];
  const reverts = new Set<string>();
  for (const c of changes) {
    const claim = claimsOf(c);
    if (claim === null) continue;
    claims.push(claim);
    if (claim.isRevert) reverts.add(c.key);
  }
  const result = new Map<string, string[]>();
  if (claims.length === 0) return { targets: result, reverts };

  // Index only what the claims ask for.
  const wantedPrefixes = new Set<string>(); // `${repo} ${sha7}`
  const wantedTitles = new Set<string>();
  const wantedNumbers = new Set<string>();
  for (const claim of claims) {
    for (const sha of claim.shas) wantedPrefixes.add(`${claim.change.repo} ${sha.slice(0, 7)}`);
    if (claim.title !== null) {
      wantedTitles.add(`${claim.change.repo} ${claim.title}`);
      const squash = SQUASH_SUFFIX.exec(claim.title);
      if (squash !== null) wantedTitles.add(`${claim.change.repo} ${squash[1]}`);
    }
    for (const n of claim.numbers) wantedNumbers.add(`${claim.change.repo}#${n}`);
  }
  const byPrefix = new Map<string, { sha: string; key: string }[]>();
  const byTitle = new Map<string, RevertInput[]>();
  const byNumber = new Map<string, string>();
  for (const c of changes) {
    for (const list of [c.landingShas, c.commitShas]) {
      for (const sha of list) {
        const p = `${c.repo} ${sha.slice(0, 7)}`;
        if (!wantedPrefixes.has(p)) continue;
        const found = byPrefix.get(p);
        if (found === undefined) byPrefix.set(p, [{ sha, key: c.key }]);
        else found.push({ sha, key: c.key });
      }
    }
    const t = `${c.repo} ${c.title}`;
    if (wantedTitles.has(t)) {
      const list = byTitle.get(t);
      if (list === undefined) byTitle.set(t, [c]);
      else list.push(c);
    }
    if (c.number !== null && wantedNumbers.has(`${c.repo}#${c.number}`)) byNumber.set(`${c.repo}#${c.number}`, c.key);
  }
  const resolveSha = (repo: string, sha: string): string | undefined => {
    const candidates = (byPrefix.get(`${repo} ${sha.slice(0, 7)}`) ?? []).filter((x) => x.sha.startsWith(sha));
    const keys = new Set(candidates.map((x) => x.key));
    // An ambiguous abbreviation is not guessed.
    return keys.size === 1 ? (candidates[0]?.key as string) : undefined;
  };

  for (const { change: c, shas, title, numbers } of claims) {
    const targets = new Set<string>();
    for (const sha of shas) {
      const key = resolveSha(c.repo, sha);
      if (key !== undefined) targets.add(key);
    }
    for (const number of numbers) {
      const key = byNumber.get(`${c.repo}#${number}`);
      if (key !== undefined && key !== c.key) targets.add(key);
    }
    if (title !== null && targets.size === 0) {
      // Fallback: the latest change with that title (a squash subject's, without its number)
      // merged before the revert.
      const squash = SQUASH_SUFFIX.exec(title);
      for (const wanted of squash === null ? [title] : [title, squash[1] as string]) {
        let best: RevertInput | undefined;
        for (const t of byTitle.get(`${c.repo} ${wanted}`) ?? []) {
          if (t.key !== c.key && t.mergedAt <= c.mergedAt && (best === undefined || t.mergedAt > best.mergedAt))
            best = t;
        }
        if (best !== undefined) {
          targets.add(best.key);
          break;
        }
      }
    }
    targets.delete(c.key);
    if (targets.size > 0) result.set(c.key, [...targets]);
  }
  return { targets: result, reverts };
}

export interface RevertStatus {
  /** Reverted by a revert merged within the window after it. */
  reverted: boolean;
  /** When the earliest such revert merged. */
  revertedAt: Date | null;
  /** Itself a revert (never a qualifying change). */
  isRevert: boolean;
}

/**
 * Which changes were reverted within the window (METRICS.md "Qualifying change": not reverted
 * within 14 days of merge). X is reverted when some revert R of X merged at most `windowDays`
 * after X. A later revert of R does not restore X: it re-lands the work as a change of its own
 * (itself a revert, so it does not qualify either: work that is reverted within the window and
 * re-landed by reverting the revert counts nowhere; re-landing it as a new change counts), and
 * the deployment that shipped X still needed a revert. Only reverts and changes some revert
 * targets are in the map.
 */
export function revertStatuses(changes: readonly RevertInput[], windowDays: number): Map<string, RevertStatus> {
  const { targets, reverts } = analyse(changes);
  const mergedAt = new Map<string, Date>();
  const involved = new Set<string>();
  for (const [reverter, keys] of targets) {
    involved.add(reverter);
    for (const k of keys) involved.add(k);
  }
  for (const c of changes) if (involved.has(c.key)) mergedAt.set(c.key, c.mergedAt);
  const windowMs = windowDays * 86_400_000;
  const status = new Map<string, RevertStatus>();
  for (const [reverter, keys] of targets) {
    const at = mergedAt.get(reverter) as Date;
    for (const k of keys) {
      const delta = at.getTime() - (mergedAt.get(k) as Date).getTime();
      const prev = status.get(k);
      if (delta < 0 || delta > windowMs) {
        if (prev === undefined) status.set(k, { reverted: false, revertedAt: null, isRevert: reverts.has(k) });
        continue;
      }
      if (prev === undefined || prev.revertedAt === null || at < prev.revertedAt) {
        status.set(k, { reverted: true, revertedAt: at, isRevert: reverts.has(k) });
      }
    }
  }
  for (const k of reverts) if (!status.has(k)) status.set(k, { reverted: false, revertedAt: null, isRevert: true });
  return status;
}
