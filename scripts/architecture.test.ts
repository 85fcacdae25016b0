import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * docs/architecture.md's "What each package may import" table against the package.json files:
 * the table is what reviewers read, package.json what pnpm enforces (a package can only import what
 * it depends on). Each workspace package has a row; every runtime dependency is allowed by its row's
 * "may import" cell and named in no "never" cell.
 */

const root = fileURLToPath(new URL("..", import.meta.url));

interface Row {
  name: string;
  may: string[];
  mayEverything: boolean;
  never: string[];
}

/** The backticked names of a cell, `{a,b}` expanded (`@yardstick/{core,log}` is two names). */
export function namesIn(cell: string): string[] {
  const names: string[] = [];
  for (const [, quoted] of cell.matchAll(/`([^`]+)`/g)) {
    const brace = /^(.*)\{([^}]+)\}(.*)$/.exec(quoted as string);
    if (brace === null) names.push(quoted as string);
    else for (const part of (brace[2] as string).split(",")) names.push(`${brace[1]}${part.trim()}${brace[3]}`);
  }
  return names;
}

/** Whether a package name is allowed by a cell's names (`@scope/*` allows the scope). */
export function allowedBy(names: readonly string[], dependency: string): boolean {
  return names.some((n) => (n.endsWith("/*") ? dependency.startsWith(n.slice(0, -1)) : n === dependency));
}

export function parseImportTable(markdown: string): Row[] {
  const section = markdown.split("## What each package may import")[1]?.split("\n## ")[0];
  if (section === undefined) throw new Error('docs/architecture.md has no "What each package may import" section');
  const rows: Row[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    // | name | may | never |: five pieces around the pipes; skip the header and the rule.
    if (cells.length < 5 || cells[1] === "package" || /^-+$/.test(cells[1] ?? "")) continue;
    const name = (cells[1] as string).split(" ")[0] as string;
    const may = cells[2] as string;
    rows.push({ name, may: namesIn(may), mayEverything: may.startsWith("everything"), never: namesIn(cells[3] ?? "") });
  }
  return rows;
}

function workspacePackages(): { dir: string; name: string; dependencies: string[] }[] {
  const found = [];
  for (const top of ["packages", "services"]) {
    for (const entry of readdirSync(join(root, top))) {
      const file = join(root, top, entry, "package.json");
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> };
      found.push({ dir: `${top}/${entry}`, name: entry, dependencies: Object.keys(json.dependencies ?? {}) });
    }
  }
  return found;
}

describe("docs/architecture.md's import table", () => {
  const rows = parseImportTable(readFileSync(join(root, "docs/architecture.md"), "utf8"));
  const packages = workspacePackages();

  it("has one row per workspace package, and none for a package that does not exist", () => {
    expect(rows.map((r) => r.name).sort()).toEqual(packages.map((p) => p.name).sort());
  });

  for (const pkg of packages) {
    it(`allows every runtime dependency of ${pkg.dir} and forbids none of them`, () => {
      const row = rows.find((r) => r.name === pkg.name);
      expect(row, `no row for ${pkg.name}`).toBeDefined();
      const { may, never, mayEverything } = row as Row;
      const unlisted = mayEverything ? [] : pkg.dependencies.filter((d) => !allowedBy(may, d));
      const forbidden = pkg.dependencies.filter((d) => allowedBy(never, d));
      expect({ unlisted, forbidden }, `${pkg.dir}/package.json against its row`).toEqual({
        unlisted: [],
        forbidden: [],
      });
    });
  }
});

describe("the table's parser", () => {
  it("expands braces and scopes, and reads every row", () => {
    expect(namesIn("`@yardstick/{core,log}`, `zod`; node:http")).toEqual(["@yardstick/core", "@yardstick/log", "zod"]);
    expect(allowedBy(["@octokit/*"], "@octokit/rest")).toBe(true);
    expect(allowedBy(["@octokit/*"], "octokit")).toBe(false);
    const rows = parseImportTable(
      "## What each package may import\n\n| package | may import | never |\n| --- | --- | --- |\n| db | `postgres` | `bullmq` |\n| cli (x) | everything | — |\n\n## Next\n| a | b | c |\n",
    );
    expect(rows).toEqual([
      { name: "db", may: ["postgres"], mayEverything: false, never: ["bullmq"] },
      { name: "cli", may: [], mayEverything: true, never: [] },
    ]);
  });
});
