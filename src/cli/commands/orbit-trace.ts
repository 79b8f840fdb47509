import type { Command } from "commander";
import { z } from "zod";
import { parseObserver } from "../../ephemeris/observers.js";
import { runDirectTrace } from "../../jobs/orbit-trace/direct.js";
import { runOrbitTraceJob } from "../../jobs/orbit-trace/runner.js";
import { stderrProgress } from "../../jobs/orbit-trace/progress.js";
import { EXIT_FAILED, InputError } from "../errors.js";
import { addDatabaseOptions } from "./db.js";
import { withStopSignals } from "../signals.js";

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
  const cmd = program
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
    .option("--workers <n>", "job mode: worker threads (default: cores; 0 = in process)")
    .option("--offline", "job mode: never download SPKs or kernels; use the asteroid folders and the kernel cache");
  addDatabaseOptions(cmd).action(async (jobdir: string | undefined, raw: Record<string, unknown>) => {
    if (jobdir !== undefined && raw.target !== undefined) throw new InputError("give either a job directory or --target (direct mode), not both");
    if (jobdir === undefined) {
      if (raw.target === undefined) throw new InputError("give a job directory, or --target with --kernels, --ccds, --catalog-root and --out (direct mode)");
      await direct(raw);
      return;
    }
    await jobMode(jobdir, raw);
  });
}

const jobSchema = z.object({
  catalogRoot: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  databaseUrl: z.string().min(1).optional(),
  workers: z.coerce.number().int().min(0, "--workers must be 0 (in process) or more").optional(),
  offline: z.boolean().optional(),
});

async function jobMode(jobdir: string, raw: Record<string, unknown>): Promise<void> {
  const directOnly = ["kernels", "ccds", "out", "name", "asteroidId"].filter((k) => raw[k] !== undefined);
  if (directOnly.length) throw new InputError(`job mode: ${directOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} belong(s) to the direct mode (--target)`);
  const opts = jobSchema.parse(raw);
  if (opts.db !== undefined && opts.databaseUrl !== undefined) throw new InputError("give either --db (PGlite folder) or --database-url (PostgreSQL), not both");
  await withStopSignals(async (signal) => {
    const report = await runOrbitTraceJob({
      jobDir: jobdir,
      ...(opts.databaseUrl !== undefined ? { database: { url: opts.databaseUrl } } : opts.db !== undefined ? { database: { dir: opts.db } } : {}),
      ...(opts.catalogRoot !== undefined ? { catalogRoot: opts.catalogRoot } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.offline ? { offline: true } : {}),
      progress: stderrProgress(),
      signal,
    });
    const c = report.counts;
    process.stdout.write(
      `${report.status}: ${c.count_asteroids} asteroid(s), ${c.count_ccds} CCD(s), ${c.count_observations} observation(s); ` +
        `success ${c.count_success}, no observations ${c.count_no_observations}, failure ${c.count_failures}` +
        `${report.resumedAsteroids ? ` (${report.resumedAsteroids} kept from a previous run)` : ""} in ${report.execTimeS.toFixed(1)} s\n` +
        `${report.error ? `error: ${report.error}\n` : ""}`,
    );
    if (report.status !== "Completed") process.exitCode = EXIT_FAILED;
  });
}

async function direct(raw: Record<string, unknown>): Promise<void> {
  const jobOnly = ["db", "databaseUrl", "workers", "offline"].filter((k) => raw[k] !== undefined);
  if (jobOnly.length) throw new InputError(`direct mode: ${jobOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} belong(s) to the job mode (<jobdir>)`);
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
