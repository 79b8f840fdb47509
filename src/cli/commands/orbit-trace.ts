import type { Command } from "commander";
import { z } from "zod";
import { parseObserver } from "../../ephemeris/observers.js";
import { runDirectTrace } from "../../jobs/orbit-trace/direct.js";
import { stderrProgress } from "../../jobs/orbit-trace/progress.js";
import { EXIT_FAILED, InputError } from "../errors.js";

const directSchema = z.object({
  target: z.string().min(1),
  kernels: z.string({ error: "--kernels is required in direct mode" }).min(1),
  ccds: z.string({ error: "--ccds is required in direct mode" }).min(1),
  catalogRoot: z.string({ error: "--catalog-root is required in direct mode" }).min(1),
  observer: z.string().default("W84"),
  matchRadius: z.coerce.number().positive("--match-radius must be a positive number of arcsec").default(2),
  out: z.string({ error: "--out is required in direct mode" }).min(1),
  name: z.string().optional(),
  asteroidId: z.coerce.number().int().nonnegative().optional(),
  obscodes: z.string().optional(),
});

/** Registers `tno orbit-trace`. */
export function registerOrbitTrace(program: Command): void {
  program
    .command("orbit-trace")
    .description(
      "Find DES observations of known objects. Job mode: `tno orbit-trace <jobdir>` runs the job.json there against the database. " +
        "Direct mode (no database): `tno orbit-trace --target <id> --kernels <...> --ccds <ccds.csv> --catalog-root <dir> --out <dir>`.",
    )
    .argument("[jobdir]", "job directory holding job.json (job mode)")
    .option("--target <id|name>", "direct mode: NAIF id of the object (or its name when one small-body SPK is given)")
    .option("--kernels <f1,f2,...>", "direct mode: kernels, comma-separated (leap seconds, planetary SPK, the object's SPK, optional Earth PCK)")
    .option("--ccds <file>", "direct mode: CSV with id, date_obs (UTC exposure start), exptime, path, filename")
    .option("--catalog-root <dir>", "root of the DES catalogues (job mode: overrides job.json des_catalog_path)")
    .option("--observer <where>", "direct mode: MPC code (W84 built in) or lon,lat,heightM (WGS84)", "W84")
    .option("--match-radius <arcsec>", "direct mode: match radius in arcsec", "2")
    .option("--out <dir>", "direct mode: output folder (des_obs.csv, orbit_trace_ccds.json)")
    .option("--name <name>", "direct mode: object name written in des_obs.csv (default: --target)")
    .option("--asteroid-id <n>", "direct mode: asteroid_id written in des_obs.csv (default: empty)")
    .option("--obscodes <file>", "MPC ObsCodes file, for observatory codes that are not built in")
    .action(async (jobdir: string | undefined, raw: Record<string, unknown>) => {
      if (jobdir !== undefined && raw.target !== undefined) throw new InputError("give either a job directory or --target (direct mode), not both");
      if (jobdir === undefined) {
        if (raw.target === undefined) throw new InputError("give a job directory, or --target with --kernels, --ccds, --catalog-root and --out (direct mode)");
        await direct(raw);
        return;
      }
      throw new InputError("job mode is not available yet");
    });
}

async function direct(raw: Record<string, unknown>): Promise<void> {
  const opts = directSchema.parse(raw);
  let observer;
  try {
    observer = parseObserver(opts.observer, opts.obscodes);
  } catch (e) {
    throw new InputError(`--observer: ${(e as Error).message}`);
  }
  const progress = stderrProgress();
  let started = false;
  try {
    const r = await runDirectTrace({
      target: opts.target,
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.asteroidId === undefined ? {} : { asteroidId: opts.asteroidId }),
      kernels: opts.kernels.split(",").map((k) => k.trim()).filter(Boolean),
      ccdsFile: opts.ccds,
      catalogRoot: opts.catalogRoot,
      observer,
      matchRadiusArcsec: opts.matchRadius,
      outDir: opts.out,
      onProgress: (done, total) => {
        if (!started) progress.start(total, "CCDs");
        started = true;
        progress.update(done);
      },
    });
    progress.stop();
    process.stdout.write(
      `${r.status}: ${r.observations} observation(s) on ${r.ccds} CCD(s) of target ${r.targetId}${r.ccdsFailed ? `, ${r.ccdsFailed} CCD(s) failed` : ""}\n` +
        `${r.desObsFile}\n${r.ccdsFile}\n${r.error ? `note: ${r.error}\n` : ""}`,
    );
    if (r.status === "failure") process.exitCode = EXIT_FAILED;
  } finally {
    progress.stop();
  }
}
