import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "./load.js";

const env = { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/x", SMTP_PASSWORD: "pw" };

describe("documentation examples", () => {
  it("every YAML example in docs/configuration.md validates", async () => {
    const doc = await readFile(resolve(import.meta.dirname, "../../../docs/configuration.md"), "utf8");
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      expect(() => parseConfigText(block, { format: "yaml", source: "docs", env }), block).not.toThrow();
    }
  });
});
