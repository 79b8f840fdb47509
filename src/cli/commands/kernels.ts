import type { Command } from "commander";

/** Registers `tno kernels`. */
export function registerKernels(_program: Command): void {
  // Filled in by the issue that builds this command.
}
