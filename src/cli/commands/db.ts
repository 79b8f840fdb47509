import type { Command } from "commander";

/** Registers `tno db`. */
export function registerDb(_program: Command): void {
  // Filled in by the issue that builds this command.
}
