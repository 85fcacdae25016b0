/**
 * Requests per second served, with a loopback client in the same process (so the figures are
 * a floor: the client's own work shares the 2 cores). Run:
 *   node --import tsx packages/github-sim/src/server/bench.ts [--pulls 100000] [--world FILE] [--seconds 10]
 */
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { loadWorld, type World } from "../world/index.js";
import { startSimulator } from "./server.js";
import { syntheticWorld } from "./synthetic-world.js";

const { values } = parseArgs({
  options: {
    pulls: { type: "string", default: "100000" },
    world: { type: "string" },
    repo: { type: "string" },
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "8" },
  },
});

const mib = (n: number) => Math.round(n / 2 ** 20);
const t0 = Date.now();
const world: World = values.world
  ? await loadWorld(values.world, { validate: false, truth: false })
  : syntheticWorld({ pulls: Number(values.pulls), commitsPerPull: 3 });
const loadMs = Date.now() - t0;
global.gc?.();
const afterLoad = process.memoryUsage();
const repoName =
  values.repo ??
  world
    .repos()
    .map((r) => `${r.org}/${r.name}`)
    .sort((a, b) => world.pullCount(b) - world.pullCount(a))[0] ??
  "";
const pullCount = world.pullCount(repoName);
const sim = await startSimulator({ world, tokens: [{ token: "bench", restLimit: 1e9, graphqlLimit: 1e9 }] });
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const [owner, name] = repoName.split("/");

function call(method: string, path: string, body?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      { method, agent, headers: { authorization: "token bench", "content-type": "application/json" } },
      (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const GQL = `query($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: MERGED, orderBy: { field: UPDATED_AT, direction: ASC }, first: 100, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      nodes { number title body headRefName mergedAt author { login ... on User { databaseId } } mergeCommit { oid }
        labels(first: 10) { nodes { name } } files(first: 20) { nodes { path additions deletions } }
        commits(first: 100) { nodes { commit { oid message authoredDate committedDate
          author { name email user { login } } authors(first: 5) { nodes { name email user { login } } } } } } }
    }
  }
  rateLimit { cost remaining }
}`;

const pages = Math.max(1, Math.floor(pullCount / 100));
async function run(label: string, next: (i: number) => Promise<{ status: number; bytes: number }>) {
  const seconds = Number(values.seconds);
  const until = Date.now() + seconds * 1000;
  const lat: number[] = [];
  let bytes = 0;
  let errors = 0;
  let i = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const t = performance.now();
      const r = await next(i++);
      lat.push(performance.now() - t);
      bytes += r.bytes;
      if (r.status !== 200) errors++;
    }
  };
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, lat.length);
  lat.sort((a, b) => a - b);
  const q = (p: number) => (lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0).toFixed(0);
  return {
    label,
    requests: lat.length,
    rps: Number((lat.length / elapsed).toFixed(1)),
    // CPU of server + client per request: what one free core would sustain is 1000 / this.
    cpuMsPerRequest: Number(cpuMsPerRequest.toFixed(1)),
    rpsPerFreeCore: Number((1000 / cpuMsPerRequest).toFixed(1)),
    p50ms: Number(q(0.5)),
    p99ms: Number(q(0.99)),
    mbPerResponse: Number((bytes / Math.max(1, lat.length) / 1e6).toFixed(2)),
    errors,
  };
}

// Warm the sorted indexes and the GraphQL schema once (first-request costs reported separately).
let t = Date.now();
await call("GET", `/repos/${owner}/${name}/pulls?state=closed&sort=updated&per_page=100`);
const firstRestMs = Date.now() - t;
t = Date.now();
await call("POST", "/graphql", JSON.stringify({ query: GQL, variables: { owner, name, cursor: null } }));
const firstGraphqlMs = Date.now() - t;

const rest = await run("REST GET /repos/{o}/{r}/pulls?state=closed&per_page=100 (random page)", (i) =>
  call("GET", `/repos/${owner}/${name}/pulls?state=closed&per_page=100&page=${1 + ((i * 7919) % pages)}`),
);
const cursor = (k: number) => Buffer.from(`cursor:v2:${k * 100 - 1}`).toString("base64");
const gql = await run("GraphQL 100 merged PRs with commits/authors/files/labels (random cursor)", (i) =>
  call(
    "POST",
    "/graphql",
    JSON.stringify({
      query: GQL,
      variables: { owner, name, cursor: (i * 7919) % pages === 0 ? null : cursor((i * 7919) % pages) },
    }),
  ),
);
global.gc?.();
const end = process.memoryUsage();
console.log(
  JSON.stringify(
    {
      world: values.world ?? `synthetic ${values.pulls} PRs x 3 commits`,
      repo: repoName,
      pullsInRepo: pullCount,
      repos: world.repos().length,
      loadMs,
      packedMiB: mib(world.packedBytes()),
      afterLoad: { rssMiB: mib(afterLoad.rss), heapMiB: mib(afterLoad.heapUsed), externalMiB: mib(afterLoad.external) },
      afterRun: { rssMiB: mib(end.rss), heapMiB: mib(end.heapUsed) },
      firstRestMs,
      firstGraphqlMs,
      concurrency: Number(values.concurrency),
      results: [rest, gql],
    },
    null,
    2,
  ),
);
await sim.close();
agent.destroy();
