import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tinyWorldRecords, worldToJsonl } from "./world/index.js";

describe("bin/sim.mjs", () => {
  it("serves a world file and prints its URL and token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    const file = join(dir, "tiny.jsonl");
    writeFileSync(file, worldToJsonl(tinyWorldRecords()));
    const bin = fileURLToPath(new URL("../bin/sim.mjs", import.meta.url));
    const child = spawn(process.execPath, [bin, "--port", "0", "--world", file, "--token", "cli-token"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
        });
        child.stderr.on("data", (c: Buffer) => {
          err += c.toString();
        });
        child.on("exit", (code) => reject(new Error(`sim exited ${code}: ${err}`)));
      });
      const info = JSON.parse(line) as { url: string; token: string; orgs: string[] };
      expect(info.token).toBe("cli-token");
      expect(info.orgs).toEqual(["acme"]);
      const res = await fetch(`${info.url}/repos/acme/api`, { headers: { authorization: "token cli-token" } });
      expect(res.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
