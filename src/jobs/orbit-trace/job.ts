import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../errors.js";
import { ASTEROID_FILTER_TYPES } from "../../db/asteroids.js";
import { jobKernelRefSchema } from "../inputs.js";
import { jobPath, parseJobJson, readJobJson } from "../job-file.js";

export { jobPath };

/** Name of the job file inside a job directory. */
export const JOB_FILE = "job.json";

/** Defaults the legacy applies (legacy-orbit-trace.md §1.2). */
export const ORBIT_TRACE_DEFAULTS = {
  period: ["2012-11-01", "2019-02-01"] as [string, string],
  /** CTIO Blanco, WGS84: east longitude (deg), latitude (deg), height (m). */
  observatoryLocation: [289.193583333, -30.16958333, 2202.7] as [number, number, number],
  matchRadiusArcsec: 2,
  bspDaysToExpire: 60,
};

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");


/** One step of `time_profile`. */
export const timeProfileEntrySchema = z.looseObject({
  step: z.string(),
  start: z.string(),
  end: z.string(),
  exec_time: z.number(),
  ast_success: z.number().int().optional(),
  ast_failed: z.number().int().optional(),
});
export type TimeProfileEntry = z.infer<typeof timeProfileEntrySchema>;

/**
 * `job.json` of an Orbit Trace job, as the legacy defines it (legacy-orbit-trace.md §1.2), plus
 * optional fields replacing its config.ini (`des_catalog_path`, `asteroid_path`),
 * `extra_kernels` (e.g. an Earth orientation PCK) and `horizons_url`. Kernels given by name or
 * file name only come from the kernel cache. Unknown keys are kept and written back.
 * Fixed legacy bugs: `error`/`traceback`/counts need not be present, `name` values are trimmed,
 * `status` may be a string or the integer the legacy wrote.
 */
export const orbitTraceJobSchema = z
  .looseObject({
    id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "expected an integer").transform(Number)]),
    path: z.string().min(1).optional(),
    debug: z.boolean().default(false),
    status: z.union([z.string(), z.number().int()]).optional(),
    submit_time: z.string().nullish(),
    estimated_execution_time: z.union([z.string(), z.number()]).nullish(),
    bsp_planetary: jobKernelRefSchema,
    leap_seconds: jobKernelRefSchema,
    extra_kernels: z.array(z.string().min(1)).default([]),
    period: z.tuple([isoDate, isoDate]).default(ORBIT_TRACE_DEFAULTS.period),
    observatory_location: z
      .tuple([z.number().finite(), z.number().min(-90).max(90), z.number().min(-11000).max(100000)])
      .default(ORBIT_TRACE_DEFAULTS.observatoryLocation),
    match_radius: z.number().positive().max(3600, "match_radius is in arcsec; more than 1 degree is not a match").default(ORBIT_TRACE_DEFAULTS.matchRadiusArcsec),
    bsp_days_to_expire: z.number().int().nonnegative().default(ORBIT_TRACE_DEFAULTS.bspDaysToExpire),
    filter_type: z.enum(ASTEROID_FILTER_TYPES),
    filter_value: z.string().refine((s) => s.trim() !== "", "filter_value is empty"),
    des_catalog_path: z.string().min(1).optional(),
    horizons_url: z.url().optional(),
    asteroid_path: z.string().min(1).optional(),
    error: z.string().nullish(),
    traceback: z.string().nullish(),
    time_profile: z.array(z.unknown()).optional(),
  })
  .superRefine((job, ctx) => {
    if (job.period[0] > job.period[1]) ctx.addIssue({ code: "custom", path: ["period"], message: `period starts (${job.period[0]}) after it ends (${job.period[1]})` });
  });

/** A validated job.json with defaults applied (unknown keys kept). */
export type OrbitTraceJob = z.infer<typeof orbitTraceJobSchema>;

/** Validates a parsed job.json. Throws an {@link InputError} listing every bad field. */
export function parseOrbitTraceJob(raw: unknown, source = JOB_FILE): OrbitTraceJob {
  return parseJobJson(orbitTraceJobSchema, raw, source);
}

/** Reads and validates `<jobDir>/job.json`. Throws an {@link InputError} (exit 2) for a missing, non-JSON or invalid file. */
export function readOrbitTraceJob(jobDir: string): OrbitTraceJob {
  return readJobJson(orbitTraceJobSchema, jobDir, JOB_FILE);
}

/**
 * Writes job.json atomically (temp file + rename) into the job directory it was read from
 * (the legacy wrote to `job.path`, which could be another directory: bug 18). NaN becomes null.
 */
export function writeJobFile(jobDir: string, job: Record<string, unknown>): void {
  const file = join(jobDir, JOB_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(job, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
  renameSync(tmp, file);
}

/** Legacy alias of an asteroid name: spaces, `_` and `/` removed ("1999 RB216" → "1999RB216"). */
export function asteroidAlias(name: string): string {
  return name.replace(/[\s_/]/g, "");
}
