/**
 * What a heap snapshot holds, and what holds it (issue 18: the bounded kept state's heap).
 *
 *   node --max-old-space-size=8000 --import tsx scripts/bench/heap-breakdown.ts FILE.heapsnapshot \
 *     [--path keptState] [--edges originCache,unique]
 *
 * Reads a `.heapsnapshot` (v8.writeHeapSnapshot, e.g. `scripts/bench/kept-state.ts --heap-snapshot`)
 * without parsing it whole (at hundreds of MiB it is longer than a string may be), then prints:
 * - the heap reachable from the roots (weak edges not followed), by node type and constructor;
 * - with `--path a.b`: the size that object retains (what becomes garbage without it: the reachable
 *   heap with and without it) and the same for each of its properties over 1 MiB;
 * - what the heap holds besides `--path` (reachable with it cut off), by type and constructor, each
 *   with the shortest retaining path from the roots of its largest node;
 * - with `--edges`: the size retained by the first few targets of edges (properties, closure
 *   variables) of these names.
 */
import { readFileSync } from "node:fs";
import { option } from "./options.js";

const file = process.argv[2];
if (file === undefined || file.startsWith("--"))
  throw new Error("usage: heap-breakdown.ts FILE.heapsnapshot [--path a.b]");
const path = option("path", "");
const edgeNames = option("edges", "")
  .split(",")
  .filter((s) => s !== "");

const buf = readFileSync(file);

/** The position after `token`, searching from `from`. */
function after(token: string, from = 0): number {
  const i = buf.indexOf(token, from);
  if (i < 0) throw new Error(`${file}: no ${token}`);
  return i + token.length;
}

/** The non-negative integers of a JSON array starting at `start`, up to its closing bracket. */
function integers(start: number): { values: Float64Array; end: number } {
  const out: number[] = [];
  let n = 0;
  let digits = false;
  let i = start;
  for (; ; i++) {
    const c = buf[i] as number;
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits = true;
    } else {
      if (digits) out.push(n);
      n = 0;
      digits = false;
      if (c === 93) break;
    }
  }
  return { values: Float64Array.from(out), end: i };
}

const nodesAt = after('"nodes":[');
const header = JSON.parse(
  `${buf
    .subarray(0, nodesAt - '"nodes":['.length)
    .toString()
    .replace(/,\s*$/, "")}}`,
) as {
  snapshot: {
    meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] };
  };
};
const meta = header.snapshot.meta;
const nodeList = integers(nodesAt);
const edgeList = integers(after('"edges":[', nodeList.end));
const strings: string[] = [];
for (let i = after('"strings":[', edgeList.end); ; ) {
  while (buf[i] !== 34 && buf[i] !== 93) i++;
  if (buf[i] === 93) break;
  let j = i + 1;
  while (buf[j] !== 34) j += buf[j] === 92 ? 2 : 1;
  strings.push(JSON.parse(buf.subarray(i, j + 1).toString()) as string);
  i = j + 1;
}

const nodes = nodeList.values;
const edges = edgeList.values;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const N = nodes.length / NF;
const firstEdge = new Float64Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += (nodes[i * NF + 4] as number) * EF;
  firstEdge[i + 1] = e;
}
const typeOf = (i: number) => nodeTypes[nodes[i * NF] as number] as string;
const nameOf = (i: number) => strings[nodes[i * NF + 1] as number] as string;
const selfOf = (i: number) => nodes[i * NF + 3] as number;
const edgeType = (e: number) => edgeTypes[edges[e] as number] as string;
const edgeName = (e: number) =>
  edgeType(e) === "element" || edgeType(e) === "hidden"
    ? String(edges[e + 1])
    : (strings[edges[e + 1] as number] ?? "");
const target = (e: number) => (edges[e + 2] as number) / NF;
const followed = (e: number) => edgeType(e) !== "weak" && edgeType(e) !== "shortcut";
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const kindOf = (i: number) =>
  ["object", "closure", "native"].includes(typeOf(i)) ? `${typeOf(i)} ${nameOf(i)}` : typeOf(i);

/** Breadth-first from the root, not through `cut`; with each node's parent edge. */
function reach(cut?: number): { total: number; seen: Uint8Array; parentEdge: Float64Array; parent: Float64Array } {
  const seen = new Uint8Array(N);
  const parent = new Float64Array(N).fill(-1);
  const parentEdge = new Float64Array(N).fill(-1);
  if (cut !== undefined) seen[cut] = 1;
  seen[0] = 1;
  const queue = new Float64Array(N);
  let tail = 0;
  queue[tail++] = 0;
  let total = 0;
  for (let head = 0; head < tail; head++) {
    const i = queue[head] as number;
    total += selfOf(i);
    for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += EF) {
      if (!followed(e)) continue;
      const to = target(e);
      if (seen[to] === 1) continue;
      seen[to] = 1;
      parent[to] = i;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return { total, seen, parentEdge, parent };
}

function byKind(seen: Uint8Array, except?: Uint8Array): [string, { bytes: number; count: number; sample: number }][] {
  const out = new Map<string, { bytes: number; count: number; sample: number }>();
  for (let i = 0; i < N; i++) {
    if (seen[i] !== 1 || except?.[i] === 1) continue;
    const k = kindOf(i);
    const entry = out.get(k) ?? { bytes: 0, count: 0, sample: i };
    if (selfOf(i) > selfOf(entry.sample)) entry.sample = i; // the largest one: its path says most
    entry.bytes += selfOf(i);
    entry.count += 1;
    out.set(k, entry);
  }
  return [...out].sort((a, b) => b[1].bytes - a[1].bytes);
}

function child(i: number, name: string): number | undefined {
  for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += EF) {
    if (followed(e) && edgeName(e) === name) return target(e);
  }
  return undefined;
}

const all = reach();
const retained = (i: number) => all.total - reach(i).total;
console.log(`${file}: ${N} nodes, ${mib(all.total)} reachable`);
for (const [kind, { bytes, count }] of byKind(all.seen).slice(0, 15)) {
  console.log(`  ${mib(bytes).padStart(11)} ${String(count).padStart(9)}  ${kind}`);
}

if (path !== "") {
  // The global object is the one holding the path's first name.
  const first = path.split(".")[0] as string;
  let node: number | undefined;
  for (let i = 0; i < N && node === undefined; i++)
    if (typeOf(i) === "object" && child(i, first) !== undefined) node = i;
  for (const name of path.split(".")) node = node === undefined ? undefined : child(node, name);
  if (node === undefined) throw new Error(`${path}: not in the snapshot`);
  console.log(`${path} retains ${mib(retained(node))}`);
  for (let e = firstEdge[node] as number; e < (firstEdge[node + 1] as number); e += EF) {
    if (edgeType(e) !== "property") continue;
    const r = retained(target(e));
    if (r >= 1048576) console.log(`  .${edgeName(e)} ${mib(r)}`);
  }
  const without = reach(node);
  console.log(`besides ${path}: ${mib(without.total)}`);
  for (const [kind, { bytes, count, sample }] of byKind(without.seen).slice(0, 6)) {
    const steps: string[] = [];
    for (let i = sample; i > 0 && steps.length < 16; i = without.parent[i] as number) {
      steps.push(`${edgeName(without.parentEdge[i] as number)} -> ${kindOf(i).slice(0, 48)}`);
    }
    console.log(
      `  ${mib(bytes).padStart(11)} ${String(count).padStart(9)}  ${kind}; e.g. ${steps.reverse().join(" / ")}`,
    );
  }
}

for (const name of edgeNames) {
  let shown = 0;
  for (let i = 0; i < N && shown < 5; i++) {
    for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += EF) {
      if (edgeType(e) === "element" || edgeType(e) === "hidden" || edgeName(e) !== name) continue;
      const r = retained(target(e));
      if (r >= 1048576) {
        console.log(`${name} (of ${kindOf(i)}) retains ${mib(r)}`);
        shown += 1;
      }
      break;
    }
  }
}
