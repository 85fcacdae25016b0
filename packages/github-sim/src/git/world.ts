import type { WorldRecord } from "../world/schema.js";
import { World } from "../world/world.js";
import { walkRepo } from "./model.js";

/**
 * A world whose shas are the real git shas of the repositories the simulator serves over Git
 * (model.ts): every record's 40-hex world shas (commits, parents, branch heads, pull requests'
 * head, base, merge and result commits, tags, releases, deployments, workflow runs, commit
 * messages such as `This reverts commit <sha>.`, ground truth keys such as `owner/name@<sha>`)
 * are replaced by the git sha of the same commit, and the 7 to 39 digit sha prefixes issues name
 * (incident reports, `truth-issue.shas`) by the same-length prefix of the git sha of the one
 * commit of the repository they are a prefix of. Deterministic: the same world gives the same
 * shas in every process (a benchmark's ground truth and its simulator child agree).
 */
export interface GitWorld {
  /** The world as served: real git shas. */
  world: World;
  /** The world as given: the repositories are built from it (./repos.ts). */
  source: World;
  /** world sha -> git sha, every commit of every repository. */
  shaMap: ReadonlyMap<string, string>;
}

const SHA40 = /\b[0-9a-f]{40}\b/g;
const PREFIX = /\b[0-9a-f]{7,39}\b/g;

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f);
    return out;
  }
  return value;
}

export function gitWorld(source: World, options: { truth?: boolean } = {}): GitWorld {
  const shaMap = new Map<string, string>();
  const prefixIndex = new Map<string, string[]>(); // repo -> sorted world shas
  for (const r of source.repos()) {
    const repo = `${r.org}/${r.name}`;
    const shas: string[] = [];
    walkRepo(source, repo, shaMap, { onCommit: (c) => shas.push(c.worldSha) });
    prefixIndex.set(repo, shas.sort());
  }
  const full = (s: string) => s.replace(SHA40, (m) => shaMap.get(m) ?? m);
  const prefixed = (repo: string) => {
    const shas = prefixIndex.get(repo) ?? [];
    return (s: string) =>
      full(s).replace(PREFIX, (m) => {
        // The one world sha starting with m (binary search for the first >= m).
        let lo = 0;
        let hi = shas.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((shas[mid] as string) < m) lo = mid + 1;
          else hi = mid;
        }
        const hit = shas[lo];
        if (hit === undefined || !hit.startsWith(m)) return m;
        const next = shas[lo + 1];
        if (next?.startsWith(m)) return m;
        return (shaMap.get(hit) ?? hit).slice(0, m.length);
      });
  };
  const world = new World(undefined, { truth: options.truth ?? true });
  for (const r of source.records()) {
    const mapped =
      r.type === "issue" || r.type === "truth-issue"
        ? (mapStrings(r, prefixed(r.repo)) as WorldRecord)
        : (mapStrings(r, full) as WorldRecord);
    world.add(mapped);
  }
  return { world, source, shaMap };
}
