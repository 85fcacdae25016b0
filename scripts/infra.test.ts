import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const composeFile = fileURLToPath(new URL("../infra/docker-compose.yml", import.meta.url));

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: unknown;
  environment?: Record<string, string>;
}

describe("infra/docker-compose.yml", () => {
  const compose = parse(readFileSync(composeFile, "utf8"), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it("runs Redis with noeviction and AOF, as BullMQ's production guide requires", () => {
    const command = compose.services.redis?.command?.join(" ") ?? "";
    expect(command).toContain("--maxmemory-policy noeviction");
    expect(command).toContain("--appendonly yes");
  });

  it("gives PostgreSQL and Redis health checks and Yardstick services their URLs", () => {
    expect(compose.services.postgres?.healthcheck).toBeDefined();
    expect(compose.services.redis?.healthcheck).toBeDefined();
    for (const name of ["migrate", "worker", "api"]) {
      const service = compose.services[name];
      expect(service?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(service?.environment?.REDIS_URL).toMatch(/^redis:\/\//);
      expect(service?.command?.[0]).toBe("yardstick");
    }
  });

  it("is valid for docker compose where a compose binary is installed", () => {
    const compose2 = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    const hasV1 = spawnSync("docker-compose", ["version"], { encoding: "utf8" }).status === 0;
    if (compose2.status !== 0 && !hasV1) return; // No compose here: the structural checks above still ran.
    const [bin, args] = compose2.status === 0 ? ["docker", ["compose"]] : ["docker-compose", []];
    execFileSync(bin as string, [...(args as string[]), "-f", composeFile, "config", "-q"], { stdio: "pipe" });
  });
});
