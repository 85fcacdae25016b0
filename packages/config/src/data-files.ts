import { readFile } from "node:fs/promises";
import { InputError } from "@yardstick/core";
import { z } from "zod";
import { describe } from "./field-info.js";
import { toInputIssues } from "./issues.js";
import { formatOf, lineFinder, parseText } from "./load.js";
import { Login, TeamSlug } from "./schema.js";

/**
 * The files the configuration can point at: a team mapping (`teams.source: file`) and a roster
 * (`roster.source: file`). YAML or JSON, validated with the same readable errors.
 */

/** Team slug -> the GitHub logins of its members, e.g. `payments: [alice, bob]`. */
export const TeamMapping = describe(z.record(TeamSlug, z.array(Login)), {
  expects: "a mapping of team slugs to lists of GitHub logins",
  example: "{ payments: [alice, bob] }",
});
export type TeamMapping = z.infer<typeof TeamMapping>;

/** The logins of the people the reports are about. */
export const RosterFile = describe(z.array(Login), {
  expects: "a list of GitHub logins",
  example: "[alice, bob]",
});
export type RosterFile = z.infer<typeof RosterFile>;

async function loadDataFile<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError("config.invalid", `cannot read the ${what} file`, [
      { path: "", message: `${path}: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  const raw = parseText(text, formatOf(path), path);
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new InputError(
    "config.invalid",
    `${path} is not a valid ${what} file`,
    toInputIssues(schema, raw, result.error, { lineOf: lineFinder(text) }),
  );
}

/** Reads a team mapping file (team slug -> logins). Throws `InputError` (code `config.invalid`). */
export function loadTeamMapping(path: string): Promise<TeamMapping> {
  return loadDataFile(path, TeamMapping, "team mapping");
}

/** Reads a roster file (a list of logins). Throws `InputError` (code `config.invalid`). */
export function loadRosterFile(path: string): Promise<RosterFile> {
  return loadDataFile(path, RosterFile, "roster");
}
