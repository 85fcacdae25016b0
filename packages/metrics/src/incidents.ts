import type { Deployment } from "@yardstick/core";
import { deploymentId } from "./detect.js";
import type { Incident } from "./inputs.js";

/** An issue carrying the configured incident label (what the product reads from GitHub). */
export interface IncidentIssue {
  repo: string;
  number: number;
  title: string;
  body: string;
  createdAt: Date;
}

/**
 * Commit shas an issue names: hexadecimal words of 7 to 40 characters with at least one digit
 * (so English words made of a-f, like "defaced", and plain numbers are not shas), lowercased,
 * each once, in order of appearance. Inside URLs too (`…/commit/1a2b3c4d…`).
 */
export function shasNamedIn(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(/(?<![0-9a-z])[0-9a-f]{7,40}(?![0-9a-z])/gi)) {
    const token = match[0].toLowerCase();
    if (!/[0-9]/.test(token) || /^[0-9]+$/.test(token)) continue;
    seen.add(token);
  }
  return [...seen];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The incidents one issue reports: every sha it names (the engine marks the latest production
 * deployment of that commit live before the issue was opened), and every release or tag
 * deployment of the repository whose tag name it names as a whole word (e.g. "since v2.4.1").
 */
export function incidentsFromIssue(
  issue: IncidentIssue,
  deployments: readonly Pick<Deployment, "repo" | "source" | "externalId" | "ref">[],
): Incident[] {
  const text = `${issue.title}\n${issue.body}`;
  const out: Incident[] = shasNamedIn(text).map((sha) => ({
    repo: issue.repo,
    deploymentId: null,
    sha,
    openedAt: issue.createdAt,
  }));
  const named = new Set<string>();
  for (const d of deployments) {
    if (d.repo !== issue.repo || (d.source !== "release" && d.source !== "tag")) continue;
    // A tag deployment's id is its tag; a release's is a number, its tag is the ref.
    const tag = d.source === "tag" ? (d.ref ?? d.externalId) : d.ref;
    if (tag === null || tag.length < 2 || named.has(tag)) continue;
    if (new RegExp(`(?<![\\w.-])${escapeRegExp(tag)}(?![\\w-]|\\.\\w)`).test(text)) {
      named.add(tag);
      out.push({ repo: issue.repo, deploymentId: deploymentId(d), sha: null, openedAt: issue.createdAt });
    }
  }
  return out;
}

/** The incidents of many issues (see incidentsFromIssue). */
export function incidentsFromIssues(
  issues: readonly IncidentIssue[],
  deployments: readonly Pick<Deployment, "repo" | "source" | "externalId" | "ref">[],
): Incident[] {
  const byRepo = new Map<string, Pick<Deployment, "repo" | "source" | "externalId" | "ref">[]>();
  for (const d of deployments) {
    const list = byRepo.get(d.repo) ?? [];
    list.push(d);
    byRepo.set(d.repo, list);
  }
  return issues.flatMap((issue) => incidentsFromIssue(issue, byRepo.get(issue.repo) ?? []));
}
