import type { Command } from "commander";

/** Registers `tno predict`. */
export function registerPredict(_program: Command): void {
  // Filled in by the issue that builds this command.
}
