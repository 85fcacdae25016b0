import { type CompiledRuleSet, compileRules } from "@yardstick/attribution";
import { type Config, repositorySettings } from "@yardstick/config";
import { isoWeekOf, weekRange } from "@yardstick/core";
import { type Database, getSyncCursor, upsertSyncCursor } from "@yardstick/db";
import { type EtagCache, type GitHubClient, GitMirror } from "@yardstick/github";
import type { RollupMemory } from "./rollup-memory.js";

/** What the processors work with. Built once per process by the runner's owner (CLI, worker). */
export interface PipelineDeps {
  db: Database;
  github: GitHubClient;
  config: Config;
  rules: CompiledRuleSet;
  etags: EtagCache;
  now: () => Date;
  /** Progress of long syncs (the CLI draws bars from it); optional. */
  onProgress?: (event: ProgressEvent) => void;
  /** The rollup state a long-lived process keeps between rollups (the worker); absent: none kept. */
  rollupMemory?: RollupMemory;
  /** Repositories read over Git (`github.git.enabled`); null: REST only. */
  git: GitMirror | null;
  /**
   * Rows a paged stage (link.deployments' changes, sync.reviews' candidates, sync.pull-diffs' pull
   * requests) reads from the database at once; absent: each stage's own default. Tests set it small.
   */
  pageSize?: number;
}

export type ProgressEvent =
  | { kind: "repos"; org: string; repos: string[] }
  | { kind: "page"; repo: string; stream: string; items: number; points: number; remaining: number | null }
  | { kind: "done"; repo: string; stream: string };

export function createPipelineDeps(options: {
  db: Database;
  github: GitHubClient;
  config: Config;
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  /** Where to keep the rollup state between `rollups.recompute` runs (long-lived processes: see `RollupMemory`). */
  rollupMemory?: RollupMemory;
  /** See `PipelineDeps.pageSize`. */
  pageSize?: number;
}): PipelineDeps {
  return {
    db: options.db,
    github: options.github,
    config: options.config,
    rules: compileRules(options.config.attribution),
    etags: databaseEtagCache(options.db),
    now: options.now ?? (() => new Date()),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.rollupMemory === undefined ? {} : { rollupMemory: options.rollupMemory }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    git: options.config.github.git.enabled
      ? new GitMirror({
          client: options.github,
          cacheDir: options.config.github.git.cacheDir,
          ...(options.config.github.git.url === undefined ? {} : { gitUrl: options.config.github.git.url }),
          logger: options.github.logger,
        })
      : null,
  };
}

/** ETags of REST responses kept in sync_cursors (stream "etag", scope = URL), so a 304 survives restarts. */
export function databaseEtagCache(db: Database): EtagCache {
  return {
    async get(url) {
      return (await getSyncCursor(db, url, "etag"))?.state.etag;
    },
    async set(url, etag) {
      if (etag === "") return; // nothing to send back: the next request is unconditional
      await upsertSyncCursor(db, { scope: url, stream: "etag", state: { etag }, lastRunAt: new Date() });
    },
  };
}

export function splitRepo(fullName: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}

/** The tracked branch of a repository: the configured one, or `defaultBranch` for "default". */
export function trackedBranchOf(config: Config, fullName: string, defaultBranch: string | null): string | undefined {
  const branch = repositorySettings(config, fullName).trackedBranch;
  return branch === "default" ? (defaultBranch ?? undefined) : branch;
}

/** Where a first sync starts: `since` if given, else the backfill window before now. */
export function backfillStart(deps: PipelineDeps, since: string | null): Date {
  if (since !== null) return new Date(since);
  return new Date(deps.now().getTime() - deps.config.thresholds.backfillDays * 86_400_000);
}

/** A clone's history reaches this far before what its readers need (a merge's first parent may be older). */
const GIT_SHALLOW_MARGIN_MS = 30 * 86_400_000;

/**
 * Where a repository's Git clone starts (`--shallow-since`): before the backfill start by the
 * branch history's look-back (`thresholds.lookbackWeeks`, what sync.branch reads) and a 30-day
 * margin, so the patches' first parents and the history's window are inside it.
 */
export function gitCloneSince(deps: Pick<PipelineDeps, "config" | "now">): Date {
  const backfill = deps.now().getTime() - deps.config.thresholds.backfillDays * 86_400_000;
  return new Date(backfill - deps.config.thresholds.lookbackWeeks * 7 * 86_400_000 - GIT_SHALLOW_MARGIN_MS);
}

/** The weeks whose rollups a sync may touch: the backfill window up to this week. */
export function syncWeeks(deps: Pick<PipelineDeps, "config" | "now">): string[] {
  const tz = deps.config.timeZone;
  const now = deps.now();
  const to = isoWeekOf(now, tz);
  const from = isoWeekOf(new Date(now.getTime() - deps.config.thresholds.backfillDays * 86_400_000), tz);
  return weekRange(from, to);
}

/** What the weekly rollups (their computation and their readers) need: no GitHub. */
export type RollupDeps = Pick<PipelineDeps, "db" | "config" | "rules" | "now" | "rollupMemory">;

/** Rollup dependencies from a database and a configuration (readers that sync nothing). */
export function createRollupDeps(options: { db: Database; config: Config; now?: () => Date }): RollupDeps {
  return {
    db: options.db,
    config: options.config,
    rules: compileRules(options.config.attribution),
    now: options.now ?? (() => new Date()),
  };
}
