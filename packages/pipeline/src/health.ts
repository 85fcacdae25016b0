import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DatabaseHandle, pendingMigrations } from "@yardstick/db";
import type { Logger } from "@yardstick/log";

/** One dependency a process needs before it can do its work. */
export interface ReadinessCheck {
  name: "database" | "redis" | "migrations";
  ok: boolean;
  /** Why not (never a URL or a secret): "unreachable", "timed out", "pending: 0007_...". */
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  database: DatabaseHandle;
  /** Answers when Redis does (e.g. `BullMqRunner.ping`); absent: the process uses no Redis, no check. */
  pingRedis?: () => Promise<unknown>;
  /** Each check's time limit (default 2 s): a probe must answer even when a dependency hangs. */
  timeoutMs?: number;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (error: unknown) =>
  error instanceof Error && error.message === "timed out" ? "timed out" : "unreachable";

/**
 * Whether the process can do its work: the database answers, every migration of this build is
 * applied, and Redis answers (when it uses Redis). The checks run at once, each within its time
 * limit; their details name no address or credential (the readiness route is unauthenticated).
 */
export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  const ms = options.timeoutMs ?? 2_000;
  const database = (async (): Promise<ReadinessCheck[]> => {
    try {
      await within(ms, options.database.query("select 1 as ok"));
    } catch (error) {
      return [
        { name: "database", ok: false, detail: reason(error) },
        { name: "migrations", ok: false, detail: "database unreachable" },
      ];
    }
    try {
      const pending = await within(ms, pendingMigrations(options.database));
      return [
        { name: "database", ok: true },
        pending.length === 0
          ? { name: "migrations", ok: true }
          : { name: "migrations", ok: false, detail: `pending: ${pending.join(", ")} (run yardstick migrate)` },
      ];
    } catch (error) {
      return [
        { name: "database", ok: true },
        { name: "migrations", ok: false, detail: reason(error) },
      ];
    }
  })();
  const ping = options.pingRedis;
  const redis =
    ping === undefined
      ? Promise.resolve<ReadinessCheck[]>([])
      : within(ms, ping()).then(
          (): ReadinessCheck[] => [{ name: "redis", ok: true }],
          (error: unknown): ReadinessCheck[] => [{ name: "redis", ok: false, detail: reason(error) }],
        );
  const checks = [...(await database), ...(await redis)];
  return { ready: checks.every((c) => c.ok), checks };
}

/**
 * A small HTTP listener for a process without an API (the worker): `GET /healthz` answers 200
 * while the process runs; `GET /readyz` answers 200 when `readiness` says ready, else 503, with
 * the checks as JSON; with `metrics`, `GET /metrics` answers Prometheus's text exposition.
 * Nothing else (404).
 */
export async function startHealthServer(options: {
  port: number;
  host: string;
  readiness: () => Promise<Readiness>;
  /** The Prometheus exposition (`scrape` of telemetry.ts); absent: no `/metrics`. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  logger: Logger;
}): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { error: "GET only" });
    if (path === "/healthz") return send(200, { ok: true });
    if (path === "/readyz") {
      options.readiness().then(
        (r) => send(r.ready ? 200 : 503, r),
        (err: unknown) => {
          options.logger.warn({ err }, "readiness check failed");
          send(503, { ready: false, checks: [] });
        },
      );
      return;
    }
    const metrics = options.metrics;
    if (path === "/metrics" && metrics !== undefined) {
      metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
          res.end(body);
        },
        (err: unknown) => {
          options.logger.warn({ err }, "metrics exposition failed");
          send(500, { error: "metrics exposition failed" });
        },
      );
      return;
    }
    send(404, { error: `no route ${path}: /healthz, /readyz${metrics === undefined ? "" : " or /metrics"}` });
  });
  // Probes are short: slow or idle connections do not pile up.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
