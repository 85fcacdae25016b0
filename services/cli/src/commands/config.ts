import type { Command } from "commander";

export function registerConfig(_program: Command): void {
  // Filled in by the issue that builds this command.
}
