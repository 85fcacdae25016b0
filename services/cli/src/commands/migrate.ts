import type { Command } from "commander";

export function registerMigrate(_program: Command): void {
  // Filled in by the issue that builds this command.
}
