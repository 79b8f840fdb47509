/** `job.json` of a Predict Occultation job (legacy names where the legacy had the field). */
import { z } from "zod";
import { InputError } from "../../errors.js";
import { ASTEROID_FILTER_TYPES } from "../../db/asteroids.js";
import { jobKernelRefSchema } from "../inputs.js";
import { readJobJson } from "../job-file.js";

export const PREDICT_JOB_FILE = "job.json";

/** Legacy default of `bsp_days_to_expire` (legacy-orbit-trace §1.2). */
export const PREDICT_BSP_DAYS_TO_EXPIRE = 60;
const time = z.string().min(4, "expected a UTC date or time (YYYY-MM-DD, ISO, or JD)");

/** One object given in the job itself (no database needed). */
export const predictObjectSchema = z.object({
  name: z.string().min(1),
  /** The object's SPK (relative paths: from the job directory); absent or missing: downloaded from JPL Horizons. */
  spk: z.string().min(1).optional(),
  /** NAIF id (also the SPK-ID asked of Horizons for an unnumbered object); default: the one small body of the SPK. */
  target_id: z.number().int().optional(),
  number: z.union([z.string(), z.number()]).optional(),
  diameter: z.number().nonnegative().optional(),
  /** Apparent magnitude, for the magnitude drop. */
  magnitude: z.number().optional(),
  /** Ephemeris 1σ (mas) in α cos δ and δ. */
  ephemeris_uncertainty_mas: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).optional(),
});

export const predictJobSchema = z
  .looseObject({
    id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    status: z.union([z.string(), z.number().int()]).optional(),
    /** Objects listed here, or chosen from tno_asteroid by filter_type/filter_value. */
    objects: z.array(predictObjectSchema).min(1, "objects is empty").optional(),
    filter_type: z.enum(ASTEROID_FILTER_TYPES).optional(),
    filter_value: z.string().optional(),
    /** Folder of the SPKs of filtered objects and objects without `spk`: `<asteroid_path>/<alias>/<alias>.bsp` or `<asteroid_path>/<alias>.bsp`. */
    asteroid_path: z.string().min(1).optional(),
    /** A date alone as the end means the end of that day (the legacy stopped at 00:00 of it). */
    predict_start_date: time,
    predict_end_date: time,
    predict_step: z.number().positive("predict_step is in seconds").default(60),
    maximum_visual_magnitude: z.number().optional(),
    bsp_planetary: jobKernelRefSchema,
    leap_seconds: jobKernelRefSchema,
    /** Paths (from the job directory) or kernel names of the cache (`earth_latest_high_prec.bpc`). */
    extra_kernels: z.array(z.string().min(1)).default([]),
    /** Cache of the kernels given by name (relative: from the job directory); default `TNO_KERNEL_CACHE`, else `~/.cache/tno/kernels`. */
    kernel_cache: z.string().min(1).optional(),
    /** Reuse a downloaded SPK younger than this many whole days; 0 = always download (default 60, or the legacy `inputs_days_to_expire`). */
    bsp_days_to_expire: z.number().int().nonnegative().optional(),
    inputs_days_to_expire: z.number().int().nonnegative().optional(),
    /** Legacy: true = always download (`bsp_days_to_expire` 0). */
    force_refresh_inputs: z.boolean().optional(),
    /** Never download: SPKs and kernels come from the asteroid folders and the kernel cache only. */
    offline: z.boolean().default(false),
    /** Horizons API endpoint (default `TNO_HORIZONS_URL`, else JPL's). */
    horizons_url: z.url().optional(),
    /** `geocenter`, an MPC code, or [east longitude, latitude, height m]. */
    observer: z.union([z.string().min(1), z.tuple([z.number(), z.number().min(-90).max(90), z.number()])]).default("geocenter"),
    /** Fixed search radius (arcsec); default (R⊕ + object radius) / distance. */
    search_radius: z.number().positive().nullish(),
    star_catalog: z.union([
      z.object({ file: z.string().min(1), ref_epoch: z.number().optional(), release: z.enum(["DR2", "EDR3", "DR3"]).optional(), display_name: z.string().default("GAIA DR3") }),
      z.object({ table: z.string().min(1).default("gaia_dr3_source"), display_name: z.string().default("GAIA DR3") }),
    ]),
    /** Extra sky margin (arcsec) when cutting the catalogue along the path, for stars moving fast since their epoch. */
    proper_motion_compensation: z.number().nonnegative().default(10),
    maps: z.enum(["none", "svg", "png"]).default("none"),
    /** Upsert the events into tno_occultation (default: when the job uses a database). */
    ingest: z.boolean().optional(),
    debug: z.boolean().default(false),
  })
  .superRefine((job, ctx) => {
    const byFilter = job.filter_type !== undefined || job.filter_value !== undefined;
    if (!job.objects && !byFilter) ctx.addIssue({ code: "custom", path: ["objects"], message: "give objects, or filter_type and filter_value" });
    if (job.objects && byFilter) ctx.addIssue({ code: "custom", path: ["filter_type"], message: "give either objects or filter_type/filter_value, not both" });
    if (byFilter && (job.filter_type === undefined || !job.filter_value?.trim())) ctx.addIssue({ code: "custom", path: ["filter_value"], message: "filter_type and a non-empty filter_value go together" });
  });

export type PredictJob = z.infer<typeof predictJobSchema>;

/** `bsp_days_to_expire` of a job, the legacy names and default applied. */
export function predictBspDaysToExpire(job: PredictJob): number {
  if (job.force_refresh_inputs) return 0;
  return job.bsp_days_to_expire ?? job.inputs_days_to_expire ?? PREDICT_BSP_DAYS_TO_EXPIRE;
}

/** Reads and validates `<jobDir>/job.json`; an {@link InputError} lists every bad field. */
export function readPredictJob(jobDir: string): PredictJob {
  return readJobJson(predictJobSchema, jobDir, PREDICT_JOB_FILE);
}
