import { parseArgs } from "node:util";
import { generateWorld, presetOptions } from "./generator/index.js";
import { gitWorld } from "./git/world.js";
import { startSimulator } from "./server/server.js";
import { loadWorld, World } from "./world/index.js";

const USAGE = `Usage: pnpm sim [--port N] [--host 127.0.0.1] (--world FILE | --generate SIZE [--seed N])
                [--token T ...] [--rest-limit N] [--graphql-limit N] [--fault-rate 0.05]
                [--webhook URL --webhook-secret S] [--git [--git-refuse owner/name ...]]

  --world FILE       a world file (JSON Lines, see docs/simulator.md)
  --generate SIZE    generate a world: small | demo | large | a number of merged PRs
  --seed N           generator and fault seed (default 1)
  --token T          accepted token (repeatable; default: one random token is printed)
  --fault-rate R     share of requests answered 500/502/503 (default 0)
  --git              serve the repositories over Git's smart HTTP protocol (the API then
                     reports the real git shas; docs/simulator.md "Git")
  --git-refuse R     with --git: this repository refuses Git (repeatable)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      world: { type: "string" },
      generate: { type: "string" },
      seed: { type: "string", default: "1" },
      token: { type: "string", multiple: true },
      "rest-limit": { type: "string" },
      "graphql-limit": { type: "string" },
      "fault-rate": { type: "string" },
      webhook: { type: "string" },
      "webhook-secret": { type: "string" },
      git: { type: "boolean", default: false },
      "git-refuse": { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || (!values.world && !values.generate)) {
    process.stdout.write(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, e.g. --seed 42 (got ${values.seed})`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, e.g. --port 0 (got ${values.port})`);
  const started = Date.now();
  const loaded = values.world
    ? await loadWorld(values.world, { validate: false, truth: false })
    : World.from(generateWorld(presetOptions(values.generate ?? "small", seed)), { truth: false });
  const git = values.git ? gitWorld(loaded, { truth: false }) : null;
  const world = git ? git.world : loaded;
  const loadMs = Date.now() - started;
  const tokens =
    values.token && values.token.length > 0 ? values.token : [`ghp_sim${seed.toString(36)}${Date.now().toString(36)}`];
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number (got ${v})`);
    return n;
  };
  const restLimit = num(values["rest-limit"], "rest-limit");
  const graphqlLimit = num(values["graphql-limit"], "graphql-limit");
  const sim = await startSimulator({
    world,
    port,
    host: values.host,
    seed,
    tokens,
    rateLimits: {
      ...(restLimit !== undefined ? { restLimit } : {}),
      ...(graphqlLimit !== undefined ? { graphqlLimit } : {}),
    },
    faults: { serverErrorRate: num(values["fault-rate"], "fault-rate") ?? 0 },
    webhooks: values.webhook ? [{ url: values.webhook, secret: values["webhook-secret"] ?? null }] : [],
    ...(git ? { git: { world: git, refuse: values["git-refuse"] ?? [] } } : {}),
  });
  const mem = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      url: sim.url,
      graphqlUrl: sim.graphqlUrl,
      token: tokens[0],
      orgs: world.orgs().map((o) => o.login),
      repositories: world.repos().length,
      loadMs,
      rssMiB: Math.round(mem.rss / 2 ** 20),
    })}\n`,
  );
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sim: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
