#!/usr/bin/env node
// The installed `yardstick` command: runs the release build (dist/lib/yardstick.mjs, made by
// `pnpm build`) with plain node. In development, `pnpm yardstick` runs the sources through tsx.
import { existsSync } from "node:fs";

const built = new URL("../dist/lib/yardstick.mjs", import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    "yardstick: the release build is missing (services/cli/dist). Run `pnpm build` first, or `pnpm yardstick` to run the sources through tsx.\n",
  );
  process.exit(2);
}
await import(built.href);
