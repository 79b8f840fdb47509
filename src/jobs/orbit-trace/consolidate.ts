import type { AsteroidRow } from "../../db/asteroids.js";
import type { OrbitTraceResultRow } from "../../db/jobs.js";
import type { ObservationRow } from "../../db/observations.js";
import { parseUtc } from "../../time/index.js";
import type { CcdTrace } from "./trace.js";

/**
 * How an asteroid ended. `no observations` is its own outcome (the legacy dropped those
 * asteroids from every output and count: bug 7).
 */
export type AsteroidStatus = "success" | "no observations" | "failure";

/** `des_orbittracejobresult.status` per outcome: 1 success, 2 failure (legacy), 3 no observations. */
export const RESULT_STATUS_CODE: Record<AsteroidStatus, number> = { success: 1, failure: 2, "no observations": 3 };

/** One asteroid's outcome (an element of asteroids_success.json / asteroids_failed.json). */
export interface AsteroidOutcome extends AsteroidRow {
  status: AsteroidStatus;
  /** Asteroid directory (des_obs.csv, logs). */
  path: string;
  bsp_path: string | null;
  spkid: string | null;
  ccds: CcdTrace[];
  observations: ObservationRow[];
  observations_count: number;
  /** CCDs that could not be processed (their `error` says why); the others were kept. */
  ccds_failed: number;
  error: string | null;
  traceback?: string | null;
  /** Seconds spent on this asteroid. */
  exec_time: number;
  /** des_obs.csv written for it (null when it has no observations). */
  des_obs_file: string | null;
}

/**
 * Python's float `repr` (what pandas writes): shortest round-trip digits, `.0` on integral
 * values, exponent form below 1e-4 and from 1e16 (`1e-05`, `1.5e+16`), `nan`/`inf`.
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e16) {
    const [m, e] = x.toExponential().split("e") as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** A UTC time as pandas prints a tz-aware timestamp: `2013-10-29 03:46:32.731567+00:00`. */
export function pandasUtc(iso: string | Date): string {
  const t = parseUtc(typeof iso === "string" ? iso : iso.toISOString());
  const frac = t.fractionDigits ? `.${t.fractionDigits.padEnd(6, "0").slice(0, 6)}` : "";
  return `${t.wholeSeconds.replace("T", " ")}${frac}+00:00`;
}

/** Columns of des_obs.csv (legacy §2.9: the des_observation COPY order). */
export const DES_OBS_COLUMNS = ["name", "date_obs", "date_jd", "ra", "dec", "offset_ra", "offset_dec", "mag_psf", "mag_psf_err", "asteroid_id", "ccd_id", "created_at"] as const;

const num = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "" : pyFloat(v));

/** A `;`-separated field, quoted like Python's csv module when it holds `;`, `"` or a line break. */
function field(s: string): string {
  return /[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The per-asteroid `des_obs.csv` text: legacy columns, `;`, header, empty for missing values. */
export function desObsCsv(rows: readonly ObservationRow[], asteroidId: number | null, createdAt: Date): string {
  const created = pandasUtc(createdAt);
  const lines = [DES_OBS_COLUMNS.join(";")];
  for (const r of rows) {
    lines.push(
      [
        field(r.name),
        pandasUtc(r.dateObs),
        pyFloat(r.dateJd),
        pyFloat(r.raDeg),
        pyFloat(r.decDeg),
        num(r.offsetRaArcsec),
        num(r.offsetDecArcsec),
        num(r.magPsf),
        num(r.magPsfErr),
        asteroidId === null ? "" : String(asteroidId),
        String(r.ccdId),
        created,
      ].join(";"),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Columns of orbit_trace_results.csv (legacy §6). */
export const RESULTS_COLUMNS = ["name", "number", "base_dynclass", "dynclass", "status", "spk_id", "observations", "ccds", "error", "asteroid_id", "job_id"] as const;

/** des_orbittracejobresult rows of a job's outcomes. */
export function resultRows(outcomes: readonly AsteroidOutcome[]): OrbitTraceResultRow[] {
  return outcomes.map((o) => ({
    name: o.name,
    number: o.number,
    base_dynclass: o.base_dynclass,
    dynclass: o.dynclass,
    status: RESULT_STATUS_CODE[o.status],
    spk_id: o.spkid,
    observations: o.observations_count,
    ccds: o.ccds.length,
    error: o.error,
    asteroid_id: o.id,
  }));
}

/** The job-level `orbit_trace_results.csv` text (`;`, header). */
export function resultsCsv(outcomes: readonly AsteroidOutcome[], jobId: number): string {
  const lines = [RESULTS_COLUMNS.join(";")];
  for (const r of resultRows(outcomes)) {
    lines.push(
      [r.name, r.number ?? "", r.base_dynclass ?? "", r.dynclass ?? "", String(r.status), r.spk_id ?? "", String(r.observations), String(r.ccds), r.error ?? "", String(r.asteroid_id), String(jobId)]
        .map(field)
        .join(";"),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Job counts from the outcomes. `count_success + count_failures + count_no_observations = count_asteroids`. */
export interface JobCounts {
  count_asteroids: number;
  count_ccds: number;
  count_observations: number;
  count_success: number;
  count_failures: number;
  count_no_observations: number;
  count_ccds_failed: number;
}

export function jobCounts(outcomes: readonly AsteroidOutcome[]): JobCounts {
  const by = (s: AsteroidStatus) => outcomes.filter((o) => o.status === s).length;
  return {
    count_asteroids: outcomes.length,
    count_ccds: outcomes.reduce((a, o) => a + o.ccds.length, 0),
    count_observations: outcomes.reduce((a, o) => a + o.observations_count, 0),
    count_success: by("success"),
    count_failures: by("failure"),
    count_no_observations: by("no observations"),
    count_ccds_failed: outcomes.reduce((a, o) => a + o.ccds_failed, 0),
  };
}

/**
 * The outcome of a traced asteroid: `failure` when no CCD could be processed, `no observations`
 * when CCDs were processed but nothing matched, `success` otherwise. CCD failures are counted
 * and the first one is quoted in `error` (the asteroid still succeeds on the others).
 */
export function classifyTrace(ccds: readonly CcdTrace[], observations: readonly ObservationRow[]): { status: AsteroidStatus; error: string | null; ccdsFailed: number } {
  const failed = ccds.filter((c) => c.error !== undefined);
  const first = failed[0]?.error;
  if (ccds.length > 0 && failed.length === ccds.length) {
    return { status: "failure", error: `every CCD failed (${failed.length}); first: CCD ${failed[0]!.id}: ${first}`, ccdsFailed: failed.length };
  }
  const note = failed.length ? `${failed.length} of ${ccds.length} CCDs failed; first: CCD ${failed[0]!.id}: ${first}` : null;
  return { status: observations.length > 0 ? "success" : "no observations", error: note, ccdsFailed: failed.length };
}

/** JSON text with NaN/±Infinity as null (the legacy wrote invalid `NaN`: bug 20). */
export function safeJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? Number(v) : v), indent)}\n`;
}
