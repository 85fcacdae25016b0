/**
 * Test helper (integration tests only; no production entry point imports it): a generated world
 * served by the GitHub simulator on loopback and synced into a database by the real pipeline in
 * this process (GitHub client, inline runner), as the demo and the sync tests need it.
 */
import { Writable } from "node:stream";
import type { Config } from "@yardstick/config";
import type { Database } from "@yardstick/db";
import { createGitHubClient, type GitHubClient } from "@yardstick/github";
import { type Simulator, type SimulatorOptions, startSimulator, type World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import { createPipelineDeps, type PipelineDeps, type ProgressEvent, runSyncInline } from "@yardstick/pipeline";

/** A logger that writes nothing. */
export const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** A GitHub client for the simulator at `url`: no spacing between GraphQL requests, quick retries. */
export function testGitHubClient(url: string, token: string): GitHubClient {
  return createGitHubClient({
    baseUrl: url,
    auth: { type: "token", token },
    logger: silent,
    throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
  });
}

export interface WorldForTestOptions {
  world: World;
  db: Database;
  config: Config;
  /** The token the simulator accepts and the client sends. */
  token: string;
  /** The time the simulator and the pipeline run at (default: the simulator's own clock, which tests may advance). */
  now?: Date;
  /** The simulator's other options (seed, faults, Git, limits). */
  simulator?: Omit<SimulatorOptions, "world" | "tokens" | "now">;
  onProgress?: (event: ProgressEvent) => void;
}

export interface WorldForTest {
  sim: Simulator;
  deps: PipelineDeps;
  /** One inline sync of the whole world (`runSyncInline`, rollups included). */
  sync(runId: string): ReturnType<typeof runSyncInline>;
  close(): Promise<void>;
}

/** Serves `world` from a simulator and prepares the pipeline that syncs it into `db`; `close()` stops the simulator. */
export async function worldForTest(options: WorldForTestOptions): Promise<WorldForTest> {
  const { now } = options;
  const sim = await startSimulator({
    world: options.world,
    tokens: [options.token],
    ...(now === undefined ? {} : { now: () => now.getTime() }),
    ...options.simulator,
  });
  const deps = createPipelineDeps({
    db: options.db,
    github: testGitHubClient(sim.url, options.token),
    config: options.config,
    now: now === undefined ? () => new Date(sim.worldNow()) : () => now,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return {
    sim,
    deps,
    sync: (runId) => runSyncInline(deps, silent, { runId }),
    close: () => sim.close(),
  };
}

/**
 * Syncs `world` into `db` once, from a simulator of its own: the sync's summary, what it cost
 * GitHub (the simulator's accounting) and the progress events.
 */
export async function syncWorldForTest(options: Omit<WorldForTestOptions, "onProgress"> & { runId: string }) {
  const events: ProgressEvent[] = [];
  const world = await worldForTest({ ...options, onProgress: (e) => events.push(e) });
  try {
    const summary = await world.sync(options.runId);
    return { summary, usage: world.sim.accounting.total(), events };
  } finally {
    await world.close();
  }
}
