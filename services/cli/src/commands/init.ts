import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { STARTER_CONFIG } from "@yardstick/config";
import { InputError } from "@yardstick/core";
import type { Command } from "commander";

/** Writes the commented starter configuration; refuses to overwrite unless `force`. Returns the absolute path. */
export async function writeStarterConfig(path: string, options: { force?: boolean } = {}): Promise<string> {
  const target = resolve(path);
  try {
    await writeFile(target, STARTER_CONFIG, { encoding: "utf8", flag: options.force === true ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new InputError("input.file-exists", `${target} already exists`, [
        {
          path: "--path",
          message: "the file exists; pass --force to overwrite it, or name another file",
          example: "--path yardstick.local.yaml",
        },
      ]);
    }
    throw error;
  }
  return target;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("Write a commented starter yardstick.config.yaml (every setting, with its default).")
    .option("--path <file>", "where to write it", "yardstick.config.yaml")
    .option("--force", "overwrite an existing file", false)
    .action(async (options: { path: string; force: boolean }) => {
      const written = await writeStarterConfig(options.path, { force: options.force });
      process.stdout.write(
        `wrote ${written}\nnext: set github.organizations to your organisation, then run: yardstick config check ${options.path}\n`,
      );
    });
}
