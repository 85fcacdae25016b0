/**
 * Glob patterns (repository names, file paths), matched in time linear in the text: the pattern
 * is compiled to a small automaton (Thompson's construction) whose states are followed as a set,
 * never by backtracking. A regular expression made from a glob (what picomatch and the previous
 * matchers here did) backtracks: `*a*a*a*a*a*a*a*a*b` took seconds on a 40-character name.
 *
 * Syntax: `*` any run of characters except `/`; `**` any run including `/`, and `**\/` at the
 * start of a segment also matches no directory at all; `?` one character except `/`; `[abc]`,
 * `[a-z]`, `[!abc]` / `[^abc]` character classes (a `]` first in the class is literal); `{a,b}`
 * alternatives (nested allowed); a backslash makes the next character literal.
 */

type Test = (c: string) => boolean;
type State = { kind: "char"; test: Test; next: number } | { kind: "split"; next: number[] } | { kind: "match" };

type Token =
  | { kind: "test"; test: Test; source: string }
  | { kind: "star" }
  | { kind: "globstar" }
  | { kind: "globstar-slash" }
  | { kind: "alt"; options: Token[][] };

const notSlash: Test = (c) => c !== "/";
const anything: Test = () => true;

function classTest(body: string, negate: boolean): Test {
  const singles = new Set<string>();
  const ranges: [string, string][] = [];
  const chars = [...body];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    const to = chars[i + 2];
    if (chars[i + 1] === "-" && to !== undefined) {
      ranges.push([c, to]);
      i += 2;
    } else singles.add(c);
  }
  return (c) => {
    const inside = singles.has(c) || ranges.some(([from, to]) => c >= from && c <= to);
    return inside !== negate;
  };
}

/** Parses `pattern` from `start` until the end, or a `,` / `}` of an enclosing brace when `inBraces`. */
function parse(pattern: string[], start: number, inBraces: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i] ?? "";
    if (inBraces && (c === "," || c === "}")) return { tokens, end: i };
    if (c === "\\" && i + 1 < pattern.length) {
      const literal = pattern[i + 1] ?? "";
      tokens.push({ kind: "test", test: (x) => x === literal, source: escapeRegex(literal) });
      i += 2;
    } else if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atSegmentStart = i === 0 || pattern[i - 1] === "/";
        if (atSegmentStart && pattern[i + 2] === "/") {
          tokens.push({ kind: "globstar-slash" });
          i += 3;
        } else {
          tokens.push({ kind: "globstar" });
          i += 2;
        }
      } else {
        tokens.push({ kind: "star" });
        i += 1;
      }
    } else if (c === "?") {
      tokens.push({ kind: "test", test: notSlash, source: "[^/]" });
      i += 1;
    } else if (c === "[") {
      let j = i + 1;
      const negate = pattern[j] === "!" || pattern[j] === "^";
      if (negate) j++;
      const bodyStart = j;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      if (j >= pattern.length) {
        tokens.push({ kind: "test", test: (x) => x === "[", source: "\\[" });
        i += 1;
      } else {
        const body = pattern.slice(bodyStart, j).join("");
        tokens.push({
          kind: "test",
          test: classTest(body, negate),
          source: `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`,
        });
        i = j + 1;
      }
    } else if (c === "{" && hasClosingBrace(pattern, i)) {
      const options: Token[][] = [];
      let j = i + 1;
      for (;;) {
        const part = parse(pattern, j, true);
        options.push(part.tokens);
        j = part.end + 1;
        if (pattern[part.end] === "}") break;
      }
      tokens.push({ kind: "alt", options });
      i = j;
    } else {
      tokens.push({ kind: "test", test: (x) => x === c, source: escapeRegex(c) });
      i += 1;
    }
  }
  return { tokens, end: i };
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** How many unbounded repetitions (`*`, `**`) a token list holds, alternatives included. */
function starCount(tokens: readonly Token[]): number {
  let n = 0;
  for (const t of tokens) {
    if (t.kind === "star" || t.kind === "globstar" || t.kind === "globstar-slash") n++;
    else if (t.kind === "alt") n += Math.max(0, ...t.options.map(starCount));
  }
  return n;
}

/** The same language as a regular expression source (used when it cannot backtract badly). */
function regexSource(tokens: readonly Token[]): string {
  return tokens.map(tokenSource).join("");
}

function tokenSource(t: Token): string {
  if (t.kind === "test") return t.source;
  if (t.kind === "star") return "[^/]*";
  if (t.kind === "globstar") return "[\\s\\S]*";
  if (t.kind === "globstar-slash") return "(?:[\\s\\S]*/)?";
  return `(?:${t.options.map(regexSource).join("|")})`;
}

/** Whether the `{` at `open` has its `}` (counting nesting and skipping escapes and classes). */
function hasClosingBrace(pattern: string[], open: number): boolean {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return true;
  }
  return false;
}

/** Thompson's construction: appends the states of `tokens` ahead of `next`, returns the first. */
function build(tokens: readonly Token[], next: number, states: State[]): number {
  let target = next;
  for (let t = tokens.length - 1; t >= 0; t--) {
    const token = tokens[t] as Token;
    const add = (state: State) => states.push(state) - 1;
    switch (token.kind) {
      case "test":
        target = add({ kind: "char", test: token.test, next: target });
        break;
      case "star":
      case "globstar": {
        const loop = add({ kind: "split", next: [] });
        const step = add({ kind: "char", test: token.kind === "star" ? notSlash : anything, next: loop });
        (states[loop] as { next: number[] }).next = [step, target];
        target = loop;
        break;
      }
      case "globstar-slash": {
        // (?:.*/)? : either nothing, or any run ending with a slash.
        const slash = add({ kind: "char", test: (c) => c === "/", next: target });
        const loop = add({ kind: "split", next: [] });
        const step = add({ kind: "char", test: anything, next: loop });
        (states[loop] as { next: number[] }).next = [step, slash];
        target = add({ kind: "split", next: [loop, target] });
        break;
      }
      case "alt":
        target = add({ kind: "split", next: token.options.map((option) => build(option, target, states)) });
        break;
    }
  }
  return target;
}

export interface GlobOptions {
  /** Compare case-insensitively (repository names, as GitHub does). */
  caseInsensitive?: boolean;
}

/** A compiled glob: `test(text)` runs in O(text length × pattern size), whatever the pattern. */
export interface Glob {
  readonly pattern: string;
  test(text: string): boolean;
}

export function compileGlob(pattern: string, options: GlobOptions = {}): Glob {
  const fold = options.caseInsensitive === true ? (s: string) => s.toLowerCase() : (s: string) => s;
  const tokens = parse([...fold(pattern)], 0, false).tokens;
  // With at most two unbounded repetitions a regular expression backtracks at worst quadratically
  // (a 4,096-character path: milliseconds) and runs much faster than the automaton; with more,
  // the automaton's linear time is what keeps a hostile name from blocking the event loop.
  if (starCount(tokens) <= 2) {
    const re = new RegExp(`^${regexSource(tokens)}$`, "u");
    return { pattern, test: (text) => re.test(fold(text)) };
  }
  const states: State[] = [{ kind: "match" }];
  const start = build(tokens, 0, states);
  // Each state's epsilon closure, as the char and match states it reaches (computed once).
  const closures: number[][] = states.map((_, id) => {
    const reached: number[] = [];
    const seen = new Set<number>();
    const stack = [id];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (seen.has(at)) continue;
      seen.add(at);
      const state = states[at] as State;
      if (state.kind === "split") stack.push(...state.next);
      else reached.push(at);
    }
    return reached;
  });
  const initial = closures[start] ?? [];
  const mark = new Int32Array(states.length);
  let generation = 0;
  return {
    pattern,
    test(text: string): boolean {
      let current = initial;
      for (const c of fold(text)) {
        generation += 1;
        const next: number[] = [];
        for (const id of current) {
          const state = states[id] as State;
          if (state.kind !== "char" || !state.test(c)) continue;
          for (const reached of closures[state.next] ?? []) {
            if (mark[reached] === generation) continue;
            mark[reached] = generation;
            next.push(reached);
          }
        }
        if (next.length === 0) return false;
        current = next;
      }
      return current.includes(0);
    },
  };
}

/** True when `text` matches the glob. */
export function matchesGlob(pattern: string, text: string, options: GlobOptions = {}): boolean {
  return compileGlob(pattern, options).test(text);
}
