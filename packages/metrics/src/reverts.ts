import type { MetricsChange } from "./inputs.js";

/**
 * Reverts (METRICS.md "Change failure rate"): a change reverts another when it says
 * "This reverts commit <sha>" (body or commit messages), is titled `Revert "<title>"`, or comes
 * from a head branch `revert-<n>-...` (GitHub's revert button). The title is only a fallback:
 * titles repeat, so a change that names its target by commit or branch is not matched by title.
 * A change is reverted when a revert of it merged within the window, whatever happened to the
 * revert later: a revert of the revert re-lands the work as a change of its own.
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
const REVERT_TITLE = /^Revert "(.*)"\s*$/;
const REVERT_BRANCH = /^revert-(\d+)-/;

interface RevertClaims {
  change: RevertInput;
  shas: string[];
  title: string | null;
  number: number | null;
}

/** What a change claims to revert (no lookups yet); null for the vast majority that claim nothing. */
function claimsOf(c: RevertInput): RevertClaims | null {
  const shas: string[] = [];
  for (const text of [c.body, ...c.commitMessages]) {
    if (!MENTIONS_REVERT.test(text)) continue;
    for (const m of text.matchAll(REVERTS_COMMIT)) shas.push((m[1] as string).toLowerCase());
  }
  const title = c.title.startsWith("Revert") ? (REVERT_TITLE.exec(c.title)?.[1] ?? null) : null;
  const branch = c.headRef?.startsWith("revert-") ? REVERT_BRANCH.exec(c.headRef) : null;
  const number = branch == null ? null : Number(branch[1]);
  return shas.length === 0 && title === null && number === null ? null : { change: c, shas, title, number };
}

/** For each change, the keys of the changes it reverts (same repository, merged no later). */
export function revertTargets(changes: readonly RevertInput[]): Map<string, string[]> {
  const claims: RevertClaims[] = [];
  for (const c of changes) {
    const claim = claimsOf(c);
    if (claim !== null) claims.push(claim);
  }
  const result = new Map<string, string[]>();
  if (claims.length === 0) return result;

  // Index only what the claims ask for.
  const wantedPrefixes = new Set<string>(); // `${repo} ${sha7}`
  const wantedTitles = new Set<string>();
  const wantedNumbers = new Set<string>();
  for (const claim of claims) {
    for (const sha of claim.shas) wantedPrefixes.add(`${claim.change.repo} ${sha.slice(0, 7)}`);
    if (claim.title !== null) wantedTitles.add(`${claim.change.repo} ${claim.title}`);
    if (claim.number !== null) wantedNumbers.add(`${claim.change.repo}#${claim.number}`);
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

  for (const { change: c, shas, title, number } of claims) {
    const targets = new Set<string>();
    for (const sha of shas) {
      const key = resolveSha(c.repo, sha);
      if (key !== undefined) targets.add(key);
    }
    if (number !== null) {
      const key = byNumber.get(`${c.repo}#${number}`);
      if (key !== undefined && key !== c.key) targets.add(key);
    }
    if (title !== null && targets.size === 0) {
      // Fallback: the latest change with that title merged before the revert.
      let best: RevertInput | undefined;
      for (const t of byTitle.get(`${c.repo} ${title}`) ?? []) {
        if (t.key !== c.key && t.mergedAt <= c.mergedAt && (best === undefined || t.mergedAt > best.mergedAt)) best = t;
      }
      if (best !== undefined) targets.add(best.key);
    }
    targets.delete(c.key);
    if (targets.size > 0) result.set(c.key, [...targets]);
  }
  return result;
}

export interface RevertStatus {
  /** Reverted by a revert merged within the window after it. */
  reverted: boolean;
  /** When the earliest such revert merged. */
  revertedAt: Date | null;
}

/**
 * Which changes were reverted within the window (METRICS.md "Qualifying change": not reverted
 * within 14 days of merge). X is reverted when some revert R of X merged at most `windowDays`
 * after X. A later revert of R does not restore X: it re-lands the work as a change of its own
 * (which qualifies in its own right), so the work is counted once, and the deployment that
 * shipped X still needed a revert. Only changes some revert targets are in the map.
 */
export function revertStatuses(changes: readonly RevertInput[], windowDays: number): Map<string, RevertStatus> {
  const targets = revertTargets(changes);
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
        if (prev === undefined) status.set(k, { reverted: false, revertedAt: null });
        continue;
      }
      if (prev === undefined || prev.revertedAt === null || at < prev.revertedAt) {
        status.set(k, { reverted: true, revertedAt: at });
      }
    }
  }
  return status;
}
