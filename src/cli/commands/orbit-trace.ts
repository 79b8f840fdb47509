import type { Command } from "commander";

/** Registers `tno orbit-trace`. */
export function registerOrbitTrace(_program: Command): void {
  // Filled in by the issue that builds this command.
}
