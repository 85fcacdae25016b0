import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiDeps, buildApi } from "./app.js";

export interface ApiServerOptions extends ApiDeps {
  port?: number;
  host?: string;
}

/** Starts the API (`buildApi`) on `host:port` (default 127.0.0.1, a free port). */
export async function startApiServer(
  options: ApiServerOptions,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const app = await buildApi(options);
  await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    server: app.server,
    close: () => app.close(),
  };
}
