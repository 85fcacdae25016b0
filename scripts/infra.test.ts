import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ValidationSeverity, validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const composeFile = fileURLToPath(new URL("../infra/docker-compose.yml", import.meta.url));
const dockerFile = fileURLToPath(new URL("../infra/Dockerfile", import.meta.url));

interface ComposeService {
  image?: string;
  build?: { target?: string };
  read_only?: boolean;
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

/** The Dockerfile's stages: name -> its instructions (continuation lines joined). */
function stagesOf(text: string): Map<string, string[]> {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const stages = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = [line];
      stages.set(from[2] ?? `stage${stages.size}`, current);
    } else current?.push(line);
  }
  return stages;
}

/**
 * The Dockerfile linted by dockerfile-utils (the validator of the Docker language server that
 * editors use; hadolint, the usual choice, ships as a binary from GitHub releases, which this
 * project's machines cannot reach): every check it has raised to an error.
 */
function lintDockerfile(text: string): string[] {
  const E = ValidationSeverity.ERROR;
  return validate(text, {
    deprecatedMaintainer: E,
    directiveCasing: E,
    emptyContinuationLine: E,
    instructionCasing: E,
    instructionCmdMultiple: E,
    instructionEntrypointMultiple: E,
    instructionHealthcheckMultiple: E,
    instructionJSONInSingleQuotes: E,
    instructionWorkdirRelative: E,
  }).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

describe("infra/Dockerfile", () => {
  const text = readFileSync(dockerFile, "utf8");
  const stages = stagesOf(text);
  const stage = (name: string) => stages.get(name) ?? [];

  it("passes the Dockerfile linter with nothing to report", () => {
    expect(lintDockerfile(text)).toEqual([]);
    // The linter is live: a Dockerfile with mistakes it knows gets reported, line by line.
    const broken = lintDockerfile("FROM node:26-slim\nworkdir app\nCMD ['node']\nCMD [\"node\"]\nEXPOSE eighty\n");
    expect(broken.length).toBeGreaterThanOrEqual(4);
    expect(broken.join("\n")).toMatch(/line 2:/);
  });

  it("has a build stage, a runtime stage last (the default target) and a demo target", () => {
    expect([...stages.keys()]).toEqual(["build", "demo", "runtime"]);
  });

  it("builds the release and deploys the CLI's production dependencies in the build stage", () => {
    const run = stage("build")
      .filter((l) => l.startsWith("RUN"))
      .join(" ");
    expect(run).toContain("pnpm install --offline --frozen-lockfile");
    expect(run).toContain("pnpm --filter @yardstick/cli build");
    expect(run).toContain("pnpm --filter @yardstick/cli deploy --prod");
  });

  it("runs the release on a slim Node LTS image: only the deployed release copied, non-root, HEALTHCHECK", () => {
    const runtime = stage("runtime");
    const image = /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1] ?? "";
    expect(image).toMatch(/^node:(2[4-9]|[3-9]\d)[-.\w]*-slim$/);
    expect(runtime[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    const copies = runtime.filter((l) => l.startsWith("COPY"));
    expect(copies).toEqual(["COPY --from=build /release /app"]);
    expect(runtime.some((l) => /^ENV .*NODE_ENV=production/.test(l))).toBe(true);
    const user = runtime.filter((l) => l.startsWith("USER")).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)\b/);
    expect(runtime.some((l) => l.startsWith("HEALTHCHECK") && l.includes("yardstick"))).toBe(true);
    // Nothing of the simulator, generator, sources or test data by name either.
    expect(runtime.join("\n")).not.toMatch(/github-sim|testdata|fixtures|tsx/);
  });

  it("runs the demo as a non-root user with a health check", () => {
    const demo = stage("demo");
    expect(demo.filter((l) => l.startsWith("USER")).at(-1)).toBe("USER node");
    expect(demo.some((l) => l.startsWith("HEALTHCHECK"))).toBe(true);
    expect(demo.some((l) => l.startsWith("CMD") && l.includes("--demo"))).toBe(true);
  });

  it("is what docker compose builds (runtime target, read-only root filesystem)", () => {
    const compose = parse(readFileSync(composeFile, "utf8"), { merge: true }) as {
      services: Record<string, ComposeService>;
    };
    for (const name of ["migrate", "worker", "api"]) {
      expect(compose.services[name]?.build?.target).toBe("runtime");
      expect(compose.services[name]?.read_only).toBe(true);
    }
  });
});
