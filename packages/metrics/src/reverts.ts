import type { MetricsChange } from "./inputs.js";

/**
 * Reverts (METRICS.md "Change failure rate"): a change reverts another when it says
 * "This reverts commit <sha>" (body or commit messages), is titled `Revert "<title>"`, or comes
 * from a head branch `revert-<n>-...` (GitHub's revert button). A revert that is itself
 * reverted within the window no longer counts: the revert of a revert restores the original.
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

/** For each change, the keys of the changes it reverts (same repository, merged no later). */
export function revertTargets(changes: readonly RevertInput[]): Map<string, string[]> {
  const bySha = new Map<string, string>(); // `${repo} ${sha}` -> key
  const byNumber = new Map<string, string>();
  const byTitle = new Map<string, RevertInput[]>();
  for (const c of changes) {
    for (const sha of c.landingShas) bySha.set(`${c.repo} ${sha}`, c.key);
    for (const sha of c.commitShas) bySha.set(`${c.repo} ${sha}`, c.key);
    if (c.number !== null) byNumber.set(`${c.repo}#${c.number}`, c.key);
    const t = `${c.repo} ${c.title}`;
    const list = byTitle.get(t);
    if (list === undefined) byTitle.set(t, [c]);
    else list.push(c);
  }
  // Abbreviated shas are rare: their index is built on first use.
  let byPrefix: Map<string, Set<string>> | null = null;
  const prefixIndex = () => {
    if (byPrefix === null) {
      const built = new Map<string, Set<string>>();
      for (const key of bySha.keys()) {
        const space = key.indexOf(" ");
        const p = key.slice(0, space + 8);
        const set = built.get(p);
        if (set === undefined) built.set(p, new Set([key.slice(space + 1)]));
        else set.add(key.slice(space + 1));
      }
      byPrefix = built;
    }
    return byPrefix;
  };
  const resolveSha = (repo: string, sha: string): string | undefined => {
    const exact = bySha.get(`${repo} ${sha}`);
    if (exact !== undefined || sha.length >= 40) return exact;
    const matches = [...(prefixIndex().get(`${repo} ${sha.slice(0, 7)}`) ?? [])].filter((s) => s.startsWith(sha));
    // An ambiguous abbreviation is not guessed.
    return matches.length === 1 ? bySha.get(`${repo} ${matches[0]}`) : undefined;
  };

  const result = new Map<string, string[]>();
  for (const c of changes) {
    const targets = new Set<string>();
    for (const text of [c.body, ...c.commitMessages]) {
      if (!MENTIONS_REVERT.test(text)) continue;
      for (const m of text.matchAll(REVERTS_COMMIT)) {
        const key = resolveSha(c.repo, (m[1] as string).toLowerCase());
        if (key !== undefined) targets.add(key);
      }
    }
    const title = c.title.startsWith("Revert") ? REVERT_TITLE.exec(c.title) : null;
    if (title !== null) {
      // The latest change with that title merged before the revert.
      let best: RevertInput | undefined;
      for (const t of byTitle.get(`${c.repo} ${title[1]}`) ?? []) {
        if (t.key !== c.key && t.mergedAt <= c.mergedAt && (best === undefined || t.mergedAt > best.mergedAt)) best = t;
      }
      if (best !== undefined) targets.add(best.key);
    }
    const branch = c.headRef === null ? null : REVERT_BRANCH.exec(c.headRef);
    if (branch !== null) {
      const key = byNumber.get(`${c.repo}#${branch[1]}`);
      if (key !== undefined) targets.add(key);
    }
    targets.delete(c.key);
    if (targets.size > 0) result.set(c.key, [...targets]);
  }
  return result;
}

export interface RevertStatus {
  /** Reverted within the window by a revert that was not itself reverted within the window. */
  reverted: boolean;
  /** When the effective revert merged. */
  revertedAt: Date | null;
}

/**
 * Which changes stay reverted. X is reverted when some revert R of X merged within `windowDays`
 * after X and R is not itself reverted (recursively). Evaluated latest-first, iteratively.
 */
export function revertStatuses(changes: readonly RevertInput[], windowDays: number): Map<string, RevertStatus> {
  const targets = revertTargets(changes);
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const revertersOf = new Map<string, RevertInput[]>();
  for (const [reverter, keys] of targets) {
    const r = byKey.get(reverter) as RevertInput;
    for (const k of keys) {
      const list = revertersOf.get(k);
      if (list === undefined) revertersOf.set(k, [r]);
      else list.push(r);
    }
  }
  const windowMs = windowDays * 86_400_000;
  const order = [...changes].sort((a, b) => b.mergedAt.getTime() - a.mergedAt.getTime());
  const status = new Map<string, RevertStatus>();
  for (const c of order) {
    let revertedAt: Date | null = null;
    for (const r of revertersOf.get(c.key) ?? []) {
      const delta = r.mergedAt.getTime() - c.mergedAt.getTime();
      if (delta < 0 || delta > windowMs) continue;
      // Reverters merged later were evaluated first; an unevaluated one (same instant) counts as standing.
      if (status.get(r.key)?.reverted === true) continue;
      if (revertedAt === null || r.mergedAt < revertedAt) revertedAt = r.mergedAt;
    }
    status.set(c.key, { reverted: revertedAt !== null, revertedAt });
  }
  return status;
}
