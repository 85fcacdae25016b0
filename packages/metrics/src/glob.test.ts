import { describe, expect, it } from "vitest";
import { compileGlobs } from "./glob.js";

describe("compileGlobs", () => {
  it.each([
    ["pnpm-lock.yaml", "pnpm-lock.yaml", true],
    ["pnpm-lock.yaml", "apps/web/pnpm-lock.yaml", true],
    ["*.lock", "a/b/yarn.lock", true],
    ["*.lock", "a/b/yarn.locked", false],
    ["**/dist/**", "dist/index.js", true],
    ["**/dist/**", "packages/x/dist/a/b.js", true],
    ["**/dist/**", "packages/x/distance.js", false],
    ["src/*.ts", "src/a.ts", true],
    ["src/*.ts", "src/a/b.ts", false],
    ["src/**/*.ts", "src/a.ts", true],
    ["src/**/*.ts", "src/a/b/c.ts", true],
    ["*.{pb.go,gen.ts}", "api/x.pb.go", true],
    ["*.{pb.go,gen.ts}", "api/x.gen.ts", true],
    ["*.{pb.go,gen.ts}", "api/x.go", false],
    ["file?.txt", "file1.txt", true],
    ["file?.txt", "file10.txt", false],
    ["[ab].txt", "b.txt", true],
    ["[!ab].txt", "b.txt", false],
    ["/go.sum", "go.sum", true],
    ["a.b", "axb", false],
    ["\\*.md", "*.md", true],
    ["\\*.md", "a.md", false],
    ["**/package-lock.json", "package-lock.json", true],
    ["**/*.lock", "deep/dir/Cargo.lock", true],
  ])("%s vs %s -> %s", (pattern, path, expected) => {
    expect(compileGlobs([pattern])(path)).toBe(expected);
  });
});
