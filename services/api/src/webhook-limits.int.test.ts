import { request } from "node:http";
import { connect } from "node:net";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "./app.js";
import { databaseDeliveryStore } from "./delivery-store.js";
import { startApiServer } from "./server.js";

/**
 * The webhook endpoint's transport limits, over real HTTP: an unsigned post is refused before its
 * body is read, a body over GitHub's 25 MB cap is refused with 413 while it streams, and slow
 * clients are cut off in seconds.
 */

const silent = createLogger({ service: "test", level: "silent" });
let handle: DatabaseHandle;
let api: Awaited<ReturnType<typeof startApiServer>>;
const enqueued: unknown[] = [];

beforeAll(async () => {
  handle = await openDatabase({ url: "pglite:memory" });
  await migrateDatabase(handle);
  api = await startApiServer({
    logger: silent,
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 3_000,
    webhooks: {
      secret: "s",
      deliveries: databaseDeliveryStore(handle.db),
      enqueue: async (r) => {
        enqueued.push(r);
      },
      logger: silent,
      now: () => new Date(),
    },
  });
});

afterAll(async () => {
  await api?.close();
  await handle?.close();
});

/** Posts `headers` and `bodyBytes` of body (in 1 MiB writes), answering what the server said and how much was sent by then. */
function post(
  headers: Record<string, string>,
  bodyBytes: number,
  options: { end?: boolean } = {},
): Promise<{ status: number; sentBytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL("/webhooks/github", api.url);
    let sent = 0;
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, sentBytes: sent, body });
        req.destroy();
      });
    });
    req.on("error", (err) => (sent > 0 ? resolve({ status: -1, sentBytes: sent, body: String(err) }) : reject(err)));
    req.flushHeaders();
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const write = () => {
      while (sent < bodyBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", write);
          return;
        }
      }
      if (options.end !== false) req.end();
    };
    write();
  });
}

describe("the webhook endpoint's transport limits", () => {
  it("refuses a post without a well-formed signature header before reading its body", async () => {
    // 40 MB offered, never ended: the 401 comes while the body is still being sent.
    const res = await post({ "x-github-event": "ping", "x-github-delivery": "d-1" }, 40 * 1024 * 1024, { end: false });
    expect(res.status).toBe(401);
    expect(res.sentBytes).toBeLessThan(40 * 1024 * 1024);
    const malformed = await post({ "x-hub-signature-256": "sha1=abc", "x-github-event": "ping" }, 1024);
    expect(malformed.status).toBe(401);
    expect(enqueued).toEqual([]);
  });

  it("answers 413 to a signed-looking body over GitHub's 25 MB cap, declared or streamed", async () => {
    const signature = { "x-hub-signature-256": `sha256=${"0".repeat(64)}`, "x-github-event": "ping" };
    const declared = await post({ ...signature, "content-length": String(MAX_WEBHOOK_BYTES + 1) }, 0, { end: false });
    expect(declared.status).toBe(413);
    const streamed = await post({ ...signature, "transfer-encoding": "chunked" }, MAX_WEBHOOK_BYTES + 2 * 1024 * 1024);
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatch(/too large|Payload/i);
  });

  it("cuts off a client that sends its headers too slowly", async () => {
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(api.url).port), "127.0.0.1");
      let answer = "";
      socket.on("data", (d) => {
        answer += d.toString();
      });
      socket.on("close", () => resolve(answer));
      socket.write("POST /webhooks/github HTTP/1.1\r\nHost: x\r\n"); // and nothing more
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
  });
});

describe("keep-alive connections", () => {
  it("keeps an idle connection 65 s (longer than a load balancer's usual 60 s idle timeout) and says so", async () => {
    const res = await fetch(new URL("/healthz", api.url));
    expect(res.status).toBe(200);
    // Node's default would be timeout=5: a proxy reusing the connection after 5 s idle meets a reset.
    expect(res.headers.get("keep-alive")).toBe("timeout=65");
    await res.arrayBuffer();
  });
});
