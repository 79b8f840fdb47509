import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ZodError } from "zod";
import { KernelError } from "../spice/index.js";
import { EXIT_BAD_INPUT, EXIT_FAILED, InputError } from "./errors.js";
import { registerEphemeris } from "./commands/ephemeris.js";
import { registerDb } from "./commands/db.js";
import { registerImportStars } from "./commands/import-stars.js";
import { registerKernels } from "./commands/kernels.js";
import { registerOrbitTrace } from "./commands/orbit-trace.js";
import { registerPredict } from "./commands/predict.js";

/** Builds the `tno` command with every sub-command. */
export function buildProgram(): Command {
  const program = new Command("tno")
    .description("Survey observations of asteroids and TNOs, and the stellar occultations they cause.")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError()
    .exitOverride();
  registerEphemeris(program);
  registerImportStars(registerDb(program));
  registerKernels(program);
  registerOrbitTrace(program);
  registerPredict(program);
  return program;
}

/** The package version, from package.json (two levels up from both src/cli and dist/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed run, 2 bad input. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  // Commands report a failed run through process.exitCode; read it for this call only, so an
  // earlier call in the same process (a notebook, a test) does not leak into this one.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return EXIT_BAD_INPUT;
    }
    if (e instanceof InputError || e instanceof KernelError || e instanceof ZodError) {
      process.stderr.write(`tno: ${e instanceof ZodError ? formatZod(e) : e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`tno: ${(e as Error).message ?? String(e)}\n`);
    if (process.env.TNO_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT_FAILED;
  } finally {
    process.exitCode = outer;
  }
}

function formatZod(e: ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ");
}
