import type { Command } from "commander";

/** Registers `tno ephemeris`. */
export function registerEphemeris(_program: Command): void {}
