#!/usr/bin/env node
// The release build of the `yardstick` command: one esbuild pass over src/main.ts.
//
// - The workspace packages (@yardstick/*) are TypeScript sources: they are inlined.
// - Third-party packages stay external, imported from node_modules at run time; every one the
//   bundle imports must be a `dependencies` entry of this package (checked below), so
//   `pnpm deploy --prod` of this package installs exactly what the release runs.
// - The demo (and with it the GitHub simulator) is imported lazily, so it is a chunk of its own
//   that a production run never loads.
// - Runtime files read relative to a module: packages/db's migrations are found by
//   `new URL("../migrations", import.meta.url)`, so they are copied to dist/migrations beside
//   dist/lib, where every module of the bundle lives; the dashboard's bundle (services/web/dist)
//   is copied to dist/web when it is built.
//
// Output: dist/lib/yardstick.mjs (+ chunks), dist/migrations, dist/web. `bin/yardstick.mjs` runs it.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const declared = new Set(Object.keys(pkg.dependencies ?? {}));

/** A bare import's package name: `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const builtins = new Set(builtinModules);
const externals = new Map(); // package -> first importer

/** Workspace packages are bundled; every other bare import is external and recorded. */
const externalThirdParty = {
  name: "external-third-party",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@yardstick/")) return undefined;
      if (args.path.startsWith("node:") || builtins.has(args.path)) return { external: true };
      const name = packageName(args.path);
      if (!externals.has(name)) externals.set(name, args.importer);
      return { external: true };
    });
  },
};

const started = performance.now();
rmSync(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: { yardstick: "src/main.ts" },
  outdir: join(dist, "lib"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
  plugins: [externalThirdParty],
});

// Externals the entry reaches through static imports are loaded by every run: they must be
// `dependencies`. Those reached only through a dynamic import (the demo's simulator) may be
// devDependencies: a production install leaves them out and `yardstick run --demo` says so.
const outputs = result.metafile.outputs;
const entry = Object.keys(outputs).find((file) => file.endsWith("lib/yardstick.mjs"));
const staticOutputs = new Set([entry]);
for (const file of staticOutputs) {
  for (const imp of outputs[file].imports) {
    if (!imp.external && imp.kind === "import-statement") staticOutputs.add(imp.path);
  }
}
const staticExternals = new Set();
for (const file of staticOutputs) {
  for (const imp of outputs[file].imports) {
    if (imp.external && !imp.path.startsWith("node:") && !builtins.has(imp.path)) {
      staticExternals.add(packageName(imp.path));
    }
  }
}
const devDeclared = new Set(Object.keys(pkg.devDependencies ?? {}));
const undeclared = [...externals].filter(
  ([name]) => !declared.has(name) && (staticExternals.has(name) || !devDeclared.has(name)),
);
if (undeclared.length > 0) {
  const list = undeclared.map(([name, importer]) => `  ${name} (imported by ${importer})`).join("\n");
  throw new Error(
    `build: the bundle imports packages services/cli/package.json does not list in "dependencies":\n${list}\n` +
      "Add them there (the release installs only those).",
  );
}

cpSync(join(here, "../../packages/db/migrations"), join(dist, "migrations"), { recursive: true });
// The dashboard's static bundle (services/web/dist, built by vite), served by `yardstick serve`:
// copied beside the code as dist/web when it is built (`yardstick serve` says how to build it
// when it is missing).
const webDist = join(here, "../web/dist");
const webBuilt = existsSync(join(webDist, "index.html"));
if (webBuilt) cpSync(webDist, join(dist, "web"), { recursive: true });
else
  process.stderr.write("build: the dashboard is not built (pnpm --filter @yardstick/web build): dist/web left out\n");
const lazyExternals = [...externals.keys()].filter((name) => !staticExternals.has(name)).sort();
const externalsJson = { static: [...staticExternals].sort(), lazy: lazyExternals };
writeFileSync(join(dist, "externals.json"), `${JSON.stringify(externalsJson, null, 2)}\n`);
const ms = Math.round(performance.now() - started);
process.stdout.write(`build: services/cli/dist in ${ms} ms (${externals.size} external packages)\n`);
