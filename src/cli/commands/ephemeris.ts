import { readFileSync, writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { z } from "zod";
import { computeEphemeris, parseObserver, type Abcorr, type Ephemeris } from "../../ephemeris/index.js";
import { SpiceEngine } from "../../spice/index.js";
import { etToUtc, parseTimeToEt, type TimeScale } from "../../time/index.js";
import { InputError } from "../errors.js";

const optionsSchema = z.object({
  kernels: z.string().min(1, "give at least one kernel"),
  target: z.string().min(1),
  observer: z.string().default("geocenter"),
  times: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  step: z.coerce.number().positive("step must be a positive number of seconds").optional(),
  timeScale: z.enum(["utc", "tdb"]).default("utc"),
  abcorr: z.enum(["NONE", "LT", "LT+S", "CN", "CN+S"]).default("LT"),
  model: z.enum(["legacy", "topocentric"]).default("topocentric"),
  format: z.enum(["csv", "json"]).default("csv"),
  obscodes: z.string().optional(),
  out: z.string().optional(),
});

/** Registers `tno ephemeris`. */
export function registerEphemeris(program: Command): void {
  program
    .command("ephemeris")
    .description("Astrometric RA/Dec, distance and sky-plane rates of a target from SPICE kernels, at many epochs.")
    .requiredOption("--kernels <f1,f2,...>", "kernels to load, comma-separated (LSK, planetary SPK, small-body SPK, PCKs)")
    .requiredOption("--target <id|name>", "NAIF id of the target (read from its SPK) or a name SPICE knows")
    .option("--observer <where>", "geocenter | lon,lat,heightM (WGS84, east longitude) | MPC code (W84 built in)", "geocenter")
    .option("--times <file>", "file with one time per line (ISO-8601 or Julian date)")
    .option("--start <time>", "first epoch (ISO-8601 or JD)")
    .option("--end <time>", "last epoch (inclusive)")
    .option("--step <seconds>", "grid step in seconds")
    .addOption(new Option("--time-scale <scale>", "scale of the given times").choices(["utc", "tdb"]).default("utc"))
    .addOption(new Option("--abcorr <corr>", "aberration correction (LT = astrometric)").choices(["NONE", "LT", "LT+S", "CN", "CN+S"]).default("LT"))
    .addOption(new Option("--model <model>", "legacy: SPICE from the geocentre minus the site vector; topocentric: light time from the site").choices(["legacy", "topocentric"]).default("topocentric"))
    .addOption(new Option("--format <fmt>", "output format").choices(["csv", "json"]).default("csv"))
    .option("--obscodes <file>", "MPC ObsCodes file, for observatory codes that are not built in")
    .option("--out <file>", "write to a file instead of standard output")
    .action(async (raw: Record<string, unknown>) => {
      const opts = optionsSchema.parse(raw);
      const engine = await SpiceEngine.create();
      try {
        engine.loadKernels(opts.kernels.split(",").map((k) => k.trim()).filter(Boolean));
        const targetId = resolveTarget(engine, opts.target);
        let observer;
        try {
          observer = parseObserver(opts.observer, opts.obscodes);
        } catch (e) {
          throw new InputError(`--observer: ${(e as Error).message}`);
        }
        const { etSeconds, labels } = epochs(engine, opts);
        const eph = computeEphemeris(engine, { targetId, etSeconds, observer, abcorr: opts.abcorr as Abcorr, model: opts.model });
        const text = opts.format === "json" ? toJson(eph, labels) : toCsv(eph, labels);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      } finally {
        engine.dispose();
      }
    });
}

function resolveTarget(engine: SpiceEngine, target: string): number {
  if (/^-?\d+$/.test(target.trim())) return Number(target);
  const found = engine.raw.bodn2c(target.trim());
  if (found.found) return found.code;
  const smallBodies = engine
    .kernels()
    .flatMap((k) => k.bodies.map((b) => b.id))
    .filter((id) => id > 1_000_000);
  throw new InputError(`--target: '${target}' is not a name SPICE knows; give the NAIF id (small bodies in the loaded SPKs: ${smallBodies.join(", ") || "none"})`);
}

function epochs(engine: SpiceEngine, opts: z.infer<typeof optionsSchema>): { etSeconds: number[]; labels: string[] } {
  const scale = opts.timeScale as TimeScale;
  if (opts.times) {
    let text: string;
    try {
      text = readFileSync(opts.times, "utf8");
    } catch (e) {
      throw new InputError(`--times: cannot read ${opts.times}: ${(e as Error).message}`);
    }
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    if (lines.length === 0) throw new InputError(`--times: ${opts.times} holds no times`);
    const etSeconds = lines.map((l, i) => {
      try {
        return parseTimeToEt(engine, l, scale);
      } catch (e) {
        throw new InputError(`--times: ${opts.times} line ${i + 1}: ${(e as Error).message}`);
      }
    });
    return { etSeconds, labels: etSeconds.map((et) => label(engine, et, scale)) };
  }
  if (!opts.start || !opts.end || !opts.step) throw new InputError("give --times <file>, or all of --start, --end and --step");
  const start = parseTimeToEt(engine, opts.start, scale);
  const end = parseTimeToEt(engine, opts.end, scale);
  if (end < start) throw new InputError(`--end (${opts.end}) is before --start (${opts.start})`);
  const count = Math.floor((end - start) / opts.step + 1e-9) + 1;
  if (count > 10_000_000) throw new InputError(`--step ${opts.step} gives ${count} epochs; the limit is 10,000,000`);
  const etSeconds = Array.from({ length: count }, (_, k) => start + k * opts.step!);
  return { etSeconds, labels: etSeconds.map((et) => label(engine, et, scale)) };
}

function label(engine: SpiceEngine, et: number, scale: TimeScale): string {
  return scale === "tdb" ? engine.raw.timout(et, "YYYY-MM-DDTHR:MN:SC.### ::TDB") : etToUtc(engine, et, 3);
}

const COLUMNS = ["time", "et", "ra_deg", "dec_deg", "distance_km", "ra_rate_arcsec_h", "dec_rate_arcsec_h", "light_time_s", "earth_frame"] as const;

function rows(eph: Ephemeris, labels: string[]) {
  return labels.map((time, i) => ({
    time,
    et: eph.etSeconds[i]!,
    ra_deg: eph.raDeg[i]!,
    dec_deg: eph.decDeg[i]!,
    distance_km: eph.distanceKm[i]!,
    ra_rate_arcsec_h: eph.raRateArcsecPerHour[i]!,
    dec_rate_arcsec_h: eph.decRateArcsecPerHour[i]!,
    light_time_s: eph.lightTimeS[i]!,
    earth_frame: eph.earthFrame[i]!,
  }));
}

function toCsv(eph: Ephemeris, labels: string[]): string {
  const lines = rows(eph, labels).map((r) =>
    [r.time, r.et.toFixed(6), r.ra_deg.toFixed(10), r.dec_deg.toFixed(10), r.distance_km.toFixed(3), r.ra_rate_arcsec_h.toFixed(6), r.dec_rate_arcsec_h.toFixed(6), r.light_time_s.toFixed(6), r.earth_frame].join(","),
  );
  return `${COLUMNS.join(",")}\n${lines.join("\n")}\n`;
}

function toJson(eph: Ephemeris, labels: string[]): string {
  return `${JSON.stringify({ targetId: eph.targetId, model: eph.model, abcorr: eph.abcorr, rows: rows(eph, labels) }, null, 1)}\n`;
}
