import { createHash } from "node:crypto";
import { renderPatch } from "../world/patch.js";
import type { GitIdentity, WorldCommit, WorldFile, WorldPull } from "../world/schema.js";
import type { World } from "../world/world.js";

/**
 * Real git objects for a world's repository: the trees and commits a `git fast-import` of the
 * repository produces, hashed in-process so that the simulator's API can report the real shas
 * before any repository is built (built lazily: ./repos.ts).
 *
 * Contents. A world records what each change did (a pull request's files with their additions,
 * deletions and the ground truth of their patches), not the files themselves, so the content is
 * made up from those records, as REST's patches are (`renderPatch`):
 * - every file a change touches holds one **section** per (change, file): the change's lines in
 *   their old and new state (the old/new sides of `renderPatch`'s hunks, each hunk's changed
 *   lines between unique context lines and unique filler, so `git diff` finds exactly those
 *   hunks). Sections a change modifies or removes exist in the root commit in their old state;
 *   a change flips its sections to the new state (added files: from absent). So
 *   `git diff first-parent..commit` of a change's commit shows exactly the change's changed lines,
 *   in `renderPatch`'s order, and `--numstat` equals the change's additions and deletions;
 * - the API's files of no lines are in the clone too: an empty file added or removed, a modified
 *   one as a binary change (GitHub lists binary files with 0 and 0); a rename (`previousPath`)
 *   moves the file, so `git diff -M` lists it renamed, as the API does (`placementsOf`);
 * - a pull request's sections flip in its last result commit (the squash commit, the merge
 *   commit, the last rebased commit) and in its head commit; its other commits change nothing;
 * - any other commit with lines (a direct push, a commit deployed from a branch) changes its own
 *   `files`, or one made-up file `src/pushed/<sha8>.ts` of its additions and deletions.
 * What differs from REST's patch text: hunk headers (line numbers, function context) and context
 * lines; and blank lines removed and added in one place are two hunks (git would cancel equal
 * lines). The changed lines, in order, are REST's.
 */

export interface GitPerson {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  when: number;
}

/** A commit as git stores it, with the file operations against its first parent. */
export interface GitCommit {
  worldSha: string;
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
  /** Files written (full content) or deleted, relative to the first parent (root: every file). */
  ops: { path: string; content: Buffer | null }[];
}

/** One (change, file) part of a file's content. */
interface Section {
  key: string;
  old: readonly string[] | null;
  next: readonly string[] | null;
}

const ABSENT = 0;
const OLD = 1;
const NEW = 2;
type State = 0 | 1 | 2;

interface FileNode {
  kind: "file";
  sections: readonly Section[];
  states: readonly State[];
  blob: Buffer; // 20-byte id
  content: Buffer;
}

interface DirNode {
  kind: "dir";
  entries: Map<string, DirNode | FileNode>;
  id: Buffer | null;
}

function hashObject(type: string, body: Buffer): Buffer {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest();
}

function contentOf(sections: readonly Section[], states: readonly State[]): Buffer {
  const lines: string[] = [];
  sections.forEach((s, i) => {
    const st = states[i];
    const part = st === OLD ? s.old : st === NEW ? s.next : null;
    if (part) for (const l of part) lines.push(l);
  });
  return Buffer.from(lines.length === 0 ? "" : `${lines.join("\n")}\n`, "utf8");
}

function fileNode(sections: readonly Section[], states: readonly State[]): FileNode | null {
  if (states.every((s) => s === ABSENT)) return null;
  const content = contentOf(sections, states);
  return { kind: "file", sections, states, content, blob: hashObject("blob", content) };
}

/**
 * A tree's entries in git's order: names compared bytewise, a directory as if its name ended in
 * "/". For ASCII names JavaScript's string order is the byte order; other names compare as UTF-8.
 */
function sortedEntries(dir: DirNode): [string, DirNode | FileNode][] {
  const keyed = [...dir.entries].map(([name, node]) => ({ key: node.kind === "dir" ? `${name}/` : name, name, node }));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  const ascii = keyed.every((e) => /^[\x00-\x7f]*$/.test(e.key));
  keyed.sort((a, b) =>
    ascii ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
  );
  return keyed.map((e) => [e.name, e.node]);
}

function treeId(dir: DirNode): Buffer {
  if (dir.id) return dir.id;
  const parts: Buffer[] = [];
  for (const [name, node] of sortedEntries(dir)) {
    const id = node.kind === "dir" ? treeId(node) : node.blob;
    parts.push(Buffer.from(`${node.kind === "dir" ? "40000" : "100644"} ${name}\0`), id);
  }
  dir.id = hashObject("tree", Buffer.concat(parts));
  return dir.id;
}

function getFile(root: DirNode, path: string): FileNode | undefined {
  let dir: DirNode = root;
  const names = path.split("/");
  for (let i = 0; i < names.length - 1; i++) {
    const next = dir.entries.get(names[i] as string);
    if (next?.kind !== "dir") return undefined;
    dir = next;
  }
  const f = dir.entries.get(names.at(-1) as string);
  return f?.kind === "file" ? f : undefined;
}

/** A copy of `root` with `path` set to `file` (or removed), sharing every untouched directory. */
function setFile(root: DirNode, path: string, file: FileNode | null): DirNode {
  const names = path.split("/");
  const walk = (dir: DirNode | undefined, i: number): DirNode | null => {
    const entries = new Map(dir?.entries ?? []);
    const name = names[i] as string;
    if (i === names.length - 1) {
      if (file) entries.set(name, file);
      else entries.delete(name);
    } else {
      const child = entries.get(name);
      const next = walk(child?.kind === "dir" ? child : undefined, i + 1);
      if (next) entries.set(name, next);
      else entries.delete(name);
    }
    return entries.size === 0 ? null : { kind: "dir", entries, id: null };
  };
  return walk(root, 0) ?? { kind: "dir", entries: new Map(), id: null };
}

// -- the sections of a change's file ------------------------------------------------------

type Line = [" " | "-" | "+", string];

/** The hunks `renderPatch` serves for a file, as blocks of changed lines (blank removals and additions apart). */
function changeBlocks(key: string, f: WorldFile): { removed: string[]; added: string[] }[] {
  const text = renderPatch(key, f, { force: true });
  if (text === null) return [];
  const blocks: { removed: string[]; added: string[] }[] = [];
  let cur: { removed: string[]; added: string[] } | null = null;
  for (const line of text.split("\n")) {
    const kind = line[0] as Line[0] | "@" | undefined;
    if (kind === "-" || kind === "+") {
      const body = line.slice(1);
      // A blank removal followed by a blank addition: two places, or git would see equal lines.
      if (cur && kind === "+" && body.trim() === "" && cur.removed.length > 0 && cur.added.length === 0) {
        if (cur.removed.every((l) => l.trim() === "")) {
          blocks.push(cur);
          cur = null;
        }
      }
      if (!cur) {
        cur = { removed: [], added: [] };
      }
      (kind === "-" ? cur.removed : cur.added).push(body);
    } else if (cur) {
      blocks.push(cur);
      cur = null;
    }
  }
  if (cur) blocks.push(cur);
  return blocks;
}

/**
 * A file's section for a change: old and new lines (null: the file is absent on that side).
 * Modified files: per block, unique filler, three context lines, the block, three context lines;
 * added and removed files: the changed lines alone.
 */
export function sectionOf(key: string, f: WorldFile): Section {
  const tok = createHash("sha1").update(`${key}:${f.path}`).digest("hex").slice(0, 8);
  const blocks = changeBlocks(key, f);
  // By the counts, not the status: a generated revert lists the reverted PR's files with
  // additions and deletions swapped but keeps `added` (its lines are removed from a kept file).
  if (f.status === "added" && f.deletions === 0) return { key, old: null, next: blocks.flatMap((b) => b.added) };
  if (f.status === "removed" && f.additions === 0) return { key, old: blocks.flatMap((b) => b.removed), next: null };
  // A modified file of no lines: GitHub lists a binary file's change so (0 and 0); a NUL makes
  // git see binary content too (`-\t-` in its numstat), so the clone lists it as the API does.
  if (f.status === "modified" && f.additions + f.deletions === 0) {
    return { key, old: [`\0binary ${tok} before`], next: [`\0binary ${tok} after`] };
  }
  const old: string[] = [];
  const next: string[] = [];
  blocks.forEach((b, i) => {
    const frame = (from: number) => [0, 1, 2].map((j) => `  step_${tok}_${i}_${from + j}();`);
    const filler = Array.from({ length: 8 }, (_, j) => `  // ${tok} ${i}.${j}`);
    old.push(...filler, ...frame(0), ...b.removed, ...frame(3));
    next.push(...filler, ...frame(0), ...b.added, ...frame(3));
  });
  const tail = [`  // ${tok} end`];
  // Unchanged lines enough for a rename to stay similar (git's 50%, counted in bytes): twice as
  // many as changed ones, each as long as the longest changed line.
  if (f.status === "renamed") {
    const changed = f.additions + f.deletions;
    const width = Math.max(40, ...blocks.flatMap((b) => [...b.removed, ...b.added]).map((l) => l.length));
    for (let j = 0; j < 2 * changed; j++) tail.push(`  // ${tok} kept ${j} `.padEnd(width, "~"));
  }
  return { key, old: [...old, ...tail], next: [...next, ...tail] };
}

/**
 * Where a change's file puts its section(s): at its path; a rename with its old path (as GitHub
 * lists it: one entry at the new path) leaves the old path with its old lines and arrives at the
 * new one with its new lines, which share enough with them for git's rename detection (see the
 * kept lines of `sectionOf`), so `git diff -M` shows one renamed file with the change's counts.
 */
export function placementsOf(key: string, f: WorldFile): { path: string; section: Section }[] {
  const s = sectionOf(key, f);
  if (f.status !== "renamed" || f.previousPath === undefined || f.previousPath === f.path) {
    return [{ path: f.path, section: s }];
  }
  return [
    { path: f.previousPath, section: { key, old: s.old, next: null } },
    { path: f.path, section: { key, old: null, next: s.next } },
  ];
}

/** The files a commit that no pull request produced changes: its own, or one made up from its counts. */
export function ownFiles(c: WorldCommit): WorldFile[] {
  if (c.files && c.files.length > 0) return c.files;
  if (c.additions + c.deletions === 0) return [];
  return [
    {
      path: `src/pushed/${c.sha.slice(0, 8)}.ts`,
      additions: c.additions,
      deletions: c.deletions,
      status: c.deletions === 0 ? "added" : "modified",
    },
  ];
}

// -- the walk over a repository ------------------------------------------------------------

const SHA40 = /\b[0-9a-f]{40}\b/g;

function person(id: GitIdentity): GitPerson {
  const clean = (s: string) => s.replace(/[<>\n]/g, "");
  return { name: clean(id.name), email: clean(id.email), when: Math.floor(Date.parse(id.date) / 1000) };
}

export function personLine(p: GitPerson): string {
  return `${p.name} <${p.email}> ${p.when} +0000`;
}

function commitBody(c: Omit<GitCommit, "sha" | "ops" | "worldSha">): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${personLine(c.author)}`, `committer ${personLine(c.committer)}`);
  return Buffer.from(`${lines.join("\n")}\n\n${c.message}`, "utf8");
}

export interface RepoWalkOptions {
  /** Called per commit, parents first (and commits a message names before it). */
  onCommit: (c: GitCommit) => void;
  /** Skip building `ops` (hashing only). */
  withOps?: boolean;
}

/** The last README-like file every repository has (so that the root is never empty). */
const README = (repo: string) => ({
  key: `${repo}:readme`,
  old: [`# ${repo}`, "", "A simulated repository."],
  next: null,
});

/**
 * Walks every commit of `repo` in `world`, parents (and commits named in its message) first, and
 * reports each with its real sha. `shaMap` collects world sha -> git sha (of every repository).
 */
export function walkRepo(world: World, repo: string, shaMap: Map<string, string>, options: RepoWalkOptions): void {
  // Changes: a PR's sections flip at its last result commit and at its head commit.
  const flipsAt = new Map<string, { key: string; files: WorldFile[] }>();
  const prCommits = new Set<string>();
  const sectionsByPath = new Map<string, Section[]>();
  const initial = new Map<Section, State>();
  const addSections = (key: string, files: readonly WorldFile[]) => {
    for (const { path, section: s } of files.flatMap((f) => placementsOf(key, f))) {
      let list = sectionsByPath.get(path);
      if (!list) {
        list = [];
        sectionsByPath.set(path, list);
      }
      if (list.some((x) => x.key === key)) continue;
      list.push(s);
      initial.set(s, s.old === null ? ABSENT : OLD);
    }
  };
  const pulls: WorldPull[] = [...world.pulls(repo)];
  for (const p of pulls) {
    const key = `${repo}#${p.number}`;
    addSections(key, p.files);
    for (const c of p.commits) prCommits.add(c);
    for (const c of p.resultCommits) prCommits.add(c);
    const last = p.resultCommits.at(-1);
    if (p.mergedAt !== null && last !== undefined) flipsAt.set(last, { key, files: p.files });
    if (!flipsAt.has(p.headSha)) flipsAt.set(p.headSha, { key, files: p.files });
  }
  const commits = [...world.commits(repo)];
  const bySha = new Map<string, WorldCommit>();
  for (const c of commits) bySha.set(c.sha, c);
  for (const c of commits) {
    if (prCommits.has(c.sha)) continue;
    const files = ownFiles(c);
    if (files.length === 0) continue;
    const key = `${repo}@${c.sha}`;
    addSections(key, files);
    flipsAt.set(c.sha, { key, files });
  }
  const readme = README(repo);
  let seed: DirNode = { kind: "dir", entries: new Map(), id: null };
  const seedFile = (path: string, sections: readonly Section[]) => {
    const node = fileNode(
      sections,
      sections.map((s) => initial.get(s) ?? OLD),
    );
    if (node) seed = setFile(seed, path, node);
  };
  seedFile("README.md", [readme]);
  initial.set(readme, OLD);
  // A file live changes (the simulator's admin API) can change lines of: see repos.ts addCommits.
  const live = {
    key: `${repo}:live`,
    old: Array.from({ length: 400 }, (_, i) => `export const seed_${i} = ${i};`),
    next: null,
  };
  initial.set(live, OLD);
  if (!sectionsByPath.has("src/index.ts")) seedFile("src/index.ts", [live]);
  for (const [path, sections] of sectionsByPath) seedFile(path, sections);

  // Order: parents and message-named commits first (iterative depth-first), ties in world order.
  const done = new Map<string, DirNode>();
  const children = new Map<string, number>(); // remaining children, to drop trees no longer needed
  for (const c of commits) for (const p of c.parents) children.set(p, (children.get(p) ?? 0) + 1);
  const state = new Map<string, 0 | 1>(); // 0: in progress, 1: done
  const visit = (start: WorldCommit) => {
    const stack: { c: WorldCommit; expanded: boolean }[] = [{ c: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { c: WorldCommit; expanded: boolean };
      if (state.get(top.c.sha) === 1) {
        stack.pop();
        continue;
      }
      if (!top.expanded) {
        top.expanded = true;
        state.set(top.c.sha, 0);
        const deps = [...top.c.parents, ...[...top.c.message.matchAll(SHA40)].map((m) => m[0])];
        for (const d of deps.reverse()) {
          const dc = bySha.get(d);
          if (dc && !state.has(d)) stack.push({ c: dc, expanded: false });
        }
        continue;
      }
      stack.pop();
      emit(top.c);
      state.set(top.c.sha, 1);
    }
  };
  const emit = (c: WorldCommit) => {
    const parents = c.parents.filter((p) => shaMap.has(p) && bySha.has(p));
    const first = parents[0];
    const base = first === undefined ? seed : (done.get(first) ?? seed);
    let tree = base;
    const ops: GitCommit["ops"] = [];
    if (first === undefined && options.withOps) {
      const all = (dir: DirNode, prefix: string) => {
        for (const [name, node] of dir.entries) {
          if (node.kind === "dir") all(node, `${prefix}${name}/`);
          else ops.push({ path: `${prefix}${name}`, content: node.content });
        }
      };
      all(seed, "");
    }
    const flip = flipsAt.get(c.sha);
    if (flip) {
      for (const { path } of flip.files.flatMap((f) => placementsOf(flip.key, f))) {
        const current = getFile(tree, path);
        const sections = current?.sections ?? sectionsByPath.get(path) ?? [];
        const states = current ? [...current.states] : sections.map(() => ABSENT as State);
        const i = sections.findIndex((s) => s.key === flip.key);
        if (i < 0) continue;
        const s = sections[i] as Section;
        states[i] = s.next === null ? ABSENT : NEW;
        const node = fileNode(sections, states);
        if (node && current && node.blob.equals(current.blob)) continue;
        tree = setFile(tree, path, node);
        if (options.withOps) ops.push({ path, content: node ? node.content : null });
      }
    }
    done.set(c.sha, tree);
    const message = c.message.replace(SHA40, (m) => shaMap.get(m) ?? m);
    const draft = {
      tree: treeId(tree).toString("hex"),
      parents: parents.map((p) => shaMap.get(p) as string),
      author: person(c.author),
      committer: person(c.committer),
      message,
    };
    const sha = hashObject("commit", commitBody(draft)).toString("hex");
    shaMap.set(c.sha, sha);
    options.onCommit({ ...draft, worldSha: c.sha, sha, ops });
    for (const p of c.parents) {
      const left = (children.get(p) ?? 1) - 1;
      children.set(p, left);
      if (left <= 0) done.delete(p);
    }
  };
  for (const c of commits) if (!state.has(c.sha)) visit(c);
}

/** A unified diff's changed lines (for tests comparing git's patch with REST's). */
export function changedLines(patch: string): string[] {
  return patch.split("\n").filter((l) => (l.startsWith("+") || l.startsWith("-")) && !/^(\+\+\+|---) /.test(l));
}
