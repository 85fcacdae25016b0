import { writeFile } from "node:fs/promises";
import { InputError } from "@yardstick/core";
import { dropExpiredText, exportPerson, forgetPerson } from "@yardstick/db";
import type { Command } from "commander";
import { openRuntime } from "../runtime.js";

interface DbOptions {
  config?: string;
  databaseUrl?: string;
}

function withDb(command: Command): Command {
  return command
    .option("--config <file>", "configuration file (default: YARDSTICK_CONFIG or ./yardstick.config.yaml)")
    .option("--database-url <url>", "database (default: DATABASE_URL or pglite:.yardstick/data)");
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function checkLogin(login: string): string {
  if (!LOGIN.test(login))
    throw new InputError("input.login", "not a GitHub login", [
      { path: "LOGIN", message: `"${login}" is not a GitHub login (letters, digits and hyphens)`, example: "octocat" },
    ]);
  return login;
}

/** JSON with dates as ISO strings and bigint as numbers. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}

/** `yardstick person forget|export` and `yardstick privacy enforce` (docs/privacy.md). */
export function registerPerson(program: Command): void {
  const person = program
    .command("person")
    .description("Personal data of one person: export what is held about them, or forget them (docs/privacy.md).");

  withDb(
    person
      .command("export <login>")
      .description("Write what Yardstick holds about the person with this GitHub login, as JSON")
      .option("--out <file>", "write to this file (default: standard output)"),
  ).action(async (login: string, options: DbOptions & { out?: string }) => {
    checkLogin(login);
    const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
    try {
      const text = toJson(await exportPerson(runtime.database.db, login));
      if (options.out === undefined) process.stdout.write(text);
      else {
        await writeFile(options.out, text, { mode: 0o600 });
        process.stderr.write(`wrote ${options.out}\n`);
      }
    } finally {
      await runtime.close();
    }
  });

  withDb(
    person
      .command("forget <login>")
      .description(
        "Erase the person's names, logins and emails from every table and put a pseudonymous key in their place (figures keep their counts); idempotent",
      )
      .option("--yes", "do it (it cannot be undone)"),
  ).action(async (login: string, options: DbOptions & { yes?: boolean }) => {
    checkLogin(login);
    if (options.yes !== true)
      throw new InputError("input.confirm", "forgetting a person cannot be undone", [
        { path: "--yes", message: "not given", example: `yardstick person forget ${login} --yes` },
      ]);
    const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
    try {
      const result = await forgetPerson(runtime.database.db, login, { now: new Date() });
      const changed = Object.entries(result.rows).filter(([, n]) => n > 0);
      process.stdout.write(`${result.pseudonym}\n`);
      process.stderr.write(
        `${login} is now ${result.pseudonym}${result.forgottenBefore ? " (forgotten before: same key)" : ""}; rows changed: ${
          changed.length === 0 ? "none" : changed.map(([table, n]) => `${table} ${n}`).join(", ")
        }\n`,
      );
    } finally {
      await runtime.close();
    }
  });

  const privacy = program.command("privacy").description("Personal data retention (docs/privacy.md).");
  withDb(
    privacy
      .command("enforce")
      .description(
        "Drop the text of pull-request bodies and commit messages older than privacy.textRetentionDays (verdicts, evidence and figures stay)",
      ),
  ).action(async (options: DbOptions) => {
    const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
    try {
      const days = runtime.config.privacy.textRetentionDays;
      if (days === undefined) {
        process.stderr.write("privacy.textRetentionDays is not set: text is kept, nothing to do\n");
        return;
      }
      const before = new Date(Date.now() - days * 86_400_000);
      const dropped = await dropExpiredText(runtime.database.db, before);
      process.stdout.write(`${toJson({ before: before.toISOString(), ...dropped }).trim()}\n`);
    } finally {
      await runtime.close();
    }
  });
}
