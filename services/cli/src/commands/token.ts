import { createApiToken, Role } from "@yardstick/api";
import { InputError } from "@yardstick/core";
import { listApiTokens, revokeApiToken } from "@yardstick/db";
import { type Command, Option } from "commander";
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

/** `yardstick token create|list|revoke`: bearer tokens for the read API (`yardstick serve`). */
export function registerToken(program: Command): void {
  const token = program
    .command("token")
    .description("API tokens for the read API: create (printed once), list, revoke. Only a hash is stored.");

  withDb(
    token
      .command("create")
      .description("Create a token and print it once on standard output")
      .requiredOption("--name <name>", "a name to tell the token apart (letters, digits, . _ -)")
      .addOption(
        new Option(
          "--role <role>",
          "viewer: groups of at least k people, nobody named; lead: also their team's authors; admin: everything, named integrity flags",
        )
          .choices(Role.options)
          .default("viewer"),
      )
      .option("--team <team>", "the team a lead leads (role lead)")
      .option("--login <login>", "the GitHub login of the person the token is for"),
  ).action(async (options: DbOptions & { name: string; role: Role; team?: string; login?: string }) => {
    const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
    try {
      const created = await createApiToken(runtime.database.db, {
        name: options.name,
        role: options.role,
        ...(options.team === undefined ? {} : { team: options.team }),
        ...(options.login === undefined ? {} : { login: options.login }),
      });
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `token ${created.row.name} (${created.row.role}${created.row.team === null ? "" : `, team ${created.row.team}`}) created; it is shown only now: store it in a secret manager\n`,
      );
    } finally {
      await runtime.close();
    }
  });

  withDb(token.command("list").description("List tokens (never their values)")).action(async (options: DbOptions) => {
    const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
    try {
      const rows = await listApiTokens(runtime.database.db);
      for (const r of rows) {
        const state = r.revokedAt === null ? "active" : `revoked ${r.revokedAt.toISOString()}`;
        process.stdout.write(
          `${r.name}\t${r.role}${r.team === null ? "" : `:${r.team}`}\t${r.prefix}…\tcreated ${r.createdAt.toISOString()}\t${state}\n`,
        );
      }
      if (rows.length === 0) process.stderr.write("no tokens: create one with `yardstick token create --name NAME`\n");
    } finally {
      await runtime.close();
    }
  });

  withDb(token.command("revoke").description("Revoke a token by name").argument("<name>", "the token's name")).action(
    async (name: string, options: DbOptions) => {
      const runtime = await openRuntime({ configPath: options.config, databaseUrl: options.databaseUrl });
      try {
        if (!(await revokeApiToken(runtime.database.db, name, new Date()))) {
          throw new InputError("input.token", "no such token", [
            { path: "name", message: `no active token named ${JSON.stringify(name)}`, example: "yardstick token list" },
          ]);
        }
        process.stderr.write(`token ${name} revoked\n`);
      } finally {
        await runtime.close();
      }
    },
  );
}
