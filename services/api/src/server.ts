import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@yardstick/log";
import { handleWebhook, type WebhookDeps } from "./webhooks.js";

/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface ApiServerOptions {
  webhooks: WebhookDeps;
  logger: Logger;
  port?: number;
  host?: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The API: POST /webhooks/github, GET /healthz. */
export async function startApiServer(
  options: ApiServerOptions,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") return send(res, 200, { ok: true });
      if (path === "/webhooks/github") {
        if (req.method !== "POST") return send(res, 405, { error: "use POST" });
        const body = await readBody(req);
        if (body === null) return send(res, 413, { error: `payload larger than ${MAX_BODY_BYTES} bytes` });
        const result = await handleWebhook({ headers: req.headers, body }, options.webhooks);
        return send(res, result.status, result.body);
      }
      return send(res, 404, { error: "not found" });
    } catch (error) {
      // Enqueue or store failures: 503 so the delivery shows as failed and can be redelivered.
      options.logger.error({ err: error }, "request failed");
      return send(res, 503, { error: "temporarily unavailable; redeliver later" });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
