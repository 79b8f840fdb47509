import type { Command } from "commander";
import { z } from "zod";
import { parseObserver } from "../../ephemeris/observers.js";
import { runDirectPredict } from "../../jobs/predict/direct.js";
import { InputError } from "../errors.js";

const num = (flag: string) => z.coerce.number({ error: `${flag} must be a number` }).finite(`${flag} must be a finite number`);

const directSchema = z.object({
  target: z.string().min(1),
  kernels: z.string({ error: "--kernels is required in direct mode" }).min(1),
  start: z.string({ error: "--start is required in direct mode" }).min(1),
  end: z.string({ error: "--end is required in direct mode" }).min(1),
  step: num("--step").positive("--step must be a positive number of seconds").default(60),
  stars: z.string({ error: "--stars is required in direct mode" }).min(1),
  starEpoch: num("--star-epoch").min(1900).max(2200).optional(),
  release: z.enum(["DR2", "EDR3", "DR3"]).optional(),
  searchRadius: num("--search-radius").positive("--search-radius must be a positive number of arcsec").optional(),
  magLimit: num("--mag-limit").optional(),
  diameter: num("--diameter").nonnegative("--diameter is in km and cannot be negative").optional(),
  objectMag: num("--object-mag").optional(),
  observer: z.string().default("geocenter"),
  obscodes: z.string().optional(),
  name: z.string().min(1).optional(),
  out: z.string({ error: "--out is required in direct mode" }).min(1),
  maps: z.enum(["none", "svg", "png"]).default("none"),
});

/** Registers `tno predict`. */
export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description(
      "Predict stellar occultations. Direct mode (no database): `tno predict --target <id> --kernels <...> --start <t> --end <t> --stars <file> --out <dir>`. " +
        "Job mode: `tno predict <jobdir>` runs the job.json there.",
    )
    .argument("[jobdir]", "job directory holding job.json (job mode)")
    .option("--target <id|name>", "NAIF id of the object (or its name when one small-body SPK is given)")
    .option("--kernels <f1,f2,...>", "kernels, comma-separated: leap seconds, planetary SPK, the object's SPK (optional Earth PCK)")
    .option("--start <time>", "start of the period, UTC (ISO or JD)")
    .option("--end <time>", "end of the period, UTC (a date alone = the end of that day)")
    .option("--step <s>", "ephemeris step in seconds", "60")
    .option("--stars <file>", "star catalogue with Gaia columns: CSV (, or ;), ECSV or VOTable")
    .option("--star-epoch <year>", "reference epoch of the stars when the file has no ref_epoch column (Julian year)")
    .option("--release <DR2|DR3>", "Gaia release of the star file, for its reference epoch (DR2 = 2015.5, DR3 = 2016.0)")
    .option("--search-radius <arcsec>", "fixed search radius; default (Earth radius + object radius) / distance")
    .option("--mag-limit <G>", "keep stars with G at most this")
    .option("--diameter <km>", "object diameter (widens the radius, gives durations and path limits)")
    .option("--object-mag <mag>", "object apparent magnitude, for the magnitude drop")
    .option("--observer <where>", "geocenter (default), an MPC code or lon,lat,heightM", "geocenter")
    .option("--obscodes <file>", "MPC ObsCodes file, for observatory codes that are not built in")
    .option("--name <name>", "object name in the table and hash_id (default: --target)")
    .option("--out <dir>", "output folder: occultation_table.csv, occultations.json, maps/")
    .option("--maps <none|svg|png>", "a map per event", "none")
    .option("--db <dir>", "job mode: embedded database folder (PGlite)")
    .option("--database-url <url>", "job mode: PostgreSQL connection string (default: $TNO_DATABASE_URL)")
    .option("--workers <n>", "job mode: worker threads (default: cores; 0 = in process)")
    .option("--offline", "job mode: never download; SPKs from the asteroid folders, kernels given by name from the kernel cache")
    .action(async (jobdir: string | undefined, raw: Record<string, unknown>) => {
      if (jobdir !== undefined && raw.target !== undefined) throw new InputError("give either a job directory or --target (direct mode), not both");
      if (jobdir === undefined) {
        if (raw.target === undefined) throw new InputError("give a job directory, or --target with --kernels, --start, --end, --stars and --out (direct mode)");
        await direct(raw);
        return;
      }
      const { runPredictCommand } = await import("./predict-job.js");
      await runPredictCommand(jobdir, raw);
    });
}

async function direct(raw: Record<string, unknown>): Promise<void> {
  const opts = directSchema.parse(raw);
  let observer;
  if (opts.observer !== "geocenter") {
    try {
      observer = parseObserver(opts.observer, opts.obscodes);
    } catch (e) {
      throw new InputError(`--observer: ${(e as Error).message}`);
    }
  }
  const r = await runDirectPredict({
    target: opts.target,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    kernels: opts.kernels.split(",").map((k) => k.trim()).filter(Boolean),
    start: opts.start,
    end: opts.end,
    stepSeconds: opts.step,
    starsFile: opts.stars,
    ...(opts.starEpoch !== undefined ? { starEpochYr: opts.starEpoch } : {}),
    ...(opts.release !== undefined ? { release: opts.release } : {}),
    ...(opts.searchRadius !== undefined ? { searchRadiusArcsec: opts.searchRadius } : {}),
    ...(opts.magLimit !== undefined ? { magLimit: opts.magLimit } : {}),
    ...(opts.diameter !== undefined ? { diameterKm: opts.diameter } : {}),
    ...(opts.objectMag !== undefined ? { objectMagnitude: opts.objectMag } : {}),
    ...(observer ? { observer } : {}),
    outDir: opts.out,
    maps: opts.maps,
  });
  const lines = r.events.map(
    (e) =>
      `${e.utc}  ${e.star.sourceId.padEnd(20)} C/A ${e.closestApproachArcsec.toFixed(3)}″ P/A ${e.positionAngleDeg.toFixed(2)}° v ${e.velocityKmS.toFixed(2)} km/s ` +
      `Δ ${(e.distanceKm / 149597870.7).toFixed(3)} au G ${e.gMag === null ? "-" : e.gMag.toFixed(3)} long ${e.subPointLongitudeDeg.toFixed(0)} loct ${e.localSolarTime}`,
  );
  process.stdout.write(`${r.events.length} event(s) of ${r.name} (target ${r.targetId}) with ${r.starCount} star(s), ${r.epochCount} epochs\n${lines.join("\n")}${lines.length ? "\n" : ""}${r.files.join("\n")}\n`);
  for (const w of r.warnings) process.stderr.write(`tno: warning: ${w}\n`);
}
