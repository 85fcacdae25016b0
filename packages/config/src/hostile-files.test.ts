import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfigText } from "./load.js";

describe("hostile configuration files", () => {
  it("refuses a billion-laughs YAML with a clear error, not a raw stack", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    lines.push("version: 1");
    const started = performance.now();
    expect(() => parseConfigText(lines.join("\n"), { format: "yaml", source: "laughs.yaml", env: {} })).toThrow(
      InputError,
    );
    try {
      parseConfigText(lines.join("\n"), { format: "yaml", source: "laughs.yaml", env: {} });
    } catch (error) {
      expect((error as InputError).message).toMatch(/aliases .* expand too far/);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("refuses a configuration file over 1 MiB before reading it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yardstick-big-config-"));
    const path = join(dir, "yardstick.config.yaml");
    await writeFile(path, `version: 1\n# ${"x".repeat(2 * 1024 * 1024)}\n`);
    await expect(loadConfig({ path, cwd: dir, env: {} })).rejects.toThrow(/too large to be a Yardstick configuration/);
  });
});
