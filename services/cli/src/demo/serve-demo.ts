import { startApiServer } from "@yardstick/api";
import type { Config } from "@yardstick/config";
import type { Database } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import { dashboardLine, WEB_DIST } from "../web-bundle.js";

/**
 * The demo's dashboard: the API and the dashboard on loopback over the demo's database, with the
 * demo sign-in (`/auth/demo`: an administrator's session, no GitHub), until SIGINT or SIGTERM.
 */
export async function serveDemoDashboard(options: { db: Database; config: Config; port: number }): Promise<void> {
  const api = await startApiServer({
    logger: createLogger({ service: "api", level: "warn" }),
    port: options.port,
    host: "127.0.0.1",
    read: { db: options.db, config: options.config, demoSignIn: true },
    web: { root: WEB_DIST },
  });
  const line = dashboardLine(api.url);
  process.stdout.write(
    line.startsWith("dashboard: not built")
      ? `${line}\n`
      : `\nDashboard: ${api.url}/auth/demo (signs you in as an administrator of the simulated organisation)\nServing until interrupted (Ctrl-C).\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await api.close();
}
