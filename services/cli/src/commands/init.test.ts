import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfigText } from "@yardstick/config";
import { InputError } from "@yardstick/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-cli.js";
import { registerInit, writeStarterConfig } from "./init.js";

describe("yardstick init", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "yardstick-init-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a commented starter file that validates", async () => {
    const path = await writeStarterConfig(join(dir, "yardstick.config.yaml"));
    const text = await readFile(path, "utf8");
    expect(text.split("\n").filter((line) => line.trimStart().startsWith("#")).length).toBeGreaterThan(30);
    const { config } = parseConfigText(text, { format: "yaml", source: path, env: {} });
    expect(config.thresholds.weeklyCap).toBe(10);
  });

  it("refuses to overwrite without --force", async () => {
    const path = join(dir, "existing.yaml");
    await writeFile(path, "version: 1\n# mine\n");
    await expect(writeStarterConfig(path)).rejects.toBeInstanceOf(InputError);
    await expect(writeStarterConfig(path)).rejects.toMatchObject({ code: "input.file-exists" });
    expect(await readFile(path, "utf8")).toBe("version: 1\n# mine\n");
    await writeStarterConfig(path, { force: true });
    expect(await readFile(path, "utf8")).toContain("# Yardstick configuration");
  });

  it("registers `init --path FILE --force` on a program", async () => {
    const path = join(dir, "via-cli.yaml");
    expect(await runCli([registerInit], ["init", "--path", path])).toContain(`wrote ${path}`);
    await expect(runCli([registerInit], ["init", "--path", path])).rejects.toMatchObject({
      code: "input.file-exists",
    });
    expect(await runCli([registerInit], ["init", "--path", path, "--force"])).toContain(`wrote ${path}`);
  });
});
