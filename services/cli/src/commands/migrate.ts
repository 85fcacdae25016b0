import { DEFAULT_DATABASE_URL, migrateDatabase, openDatabase } from "@yardstick/db";
import { type Command, Option } from "commander";

/** `yardstick migrate`: applies the committed schema migrations to a database. */
export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description(
      "Apply pending schema migrations to the database (safe to run again, and from several processes at once).",
    )
    .addOption(
      new Option("--database-url <url>", "postgres://user:pass@host:5432/db, pglite:<dir> or pglite:memory")
        .env("DATABASE_URL")
        .default(DEFAULT_DATABASE_URL),
    )
    .addHelpText(
      "after",
      `
Without --database-url or DATABASE_URL, Yardstick uses the embedded PGlite database in
.yardstick/data (created if missing). On PostgreSQL, migrations run under an advisory lock.

Exit codes: 0 done (or already up to date), 2 bad URL, 3 database unreachable.

Examples:
  yardstick migrate
  yardstick migrate --database-url postgres://yardstick@127.0.0.1:5432/yardstick`,
    )
    .action(async (options: { databaseUrl: string }) => {
      // openDatabase throws InputError (input.*) for a bad URL and AppError unavailable.database
      // when the server cannot be reached; main.ts turns those into exit codes 2 and 3.
      const handle = await openDatabase({ url: options.databaseUrl });
      try {
        const result = await migrateDatabase(handle);
        for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
        const target = `${handle.backend === "postgres" ? "PostgreSQL" : "PGlite"} ${handle.displayUrl}`;
        if (result.applied.length === 0) {
          process.stdout.write(`${target}: up to date (${plural(result.known.length)}, none pending)\n`);
        } else {
          process.stdout.write(
            `${target}: applied ${plural(result.applied.length)}\n${result.applied
              .map((tag) => `  ${tag}\n`)
              .join("")}`,
          );
        }
      } finally {
        await handle.close();
      }
    });
}

function plural(count: number): string {
  return `${count} migration${count === 1 ? "" : "s"}`;
}
