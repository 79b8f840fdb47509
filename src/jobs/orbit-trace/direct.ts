import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import type { Observer } from "../../ephemeris/observers.js";
import { SpiceEngine } from "../../spice/engine.js";
import { KernelError } from "../../spice/errors.js";
import { readCcdsCsv } from "./ccds.js";
import { classifyTrace, desObsCsv, safeJson, type AsteroidStatus } from "./consolidate.js";
import { builtinEarthPckPath } from "./kernels.js";
import { traceAsteroid, type CcdTrace } from "./trace.js";

/** Small-body NAIF ids start here (planets, satellites and the Sun are below). */
const SMALL_BODY_MIN_ID = 1_000_000;

/** Inputs of the direct (database-free) mode. */
export interface DirectTraceOptions {
  /** NAIF id of the target, or a name when exactly one small body is in `kernels`. */
  target: string;
  /** Name written in des_obs.csv (default: `target`). */
  name?: string;
  /** `asteroid_id` written in des_obs.csv (default: empty). */
  asteroidId?: number;
  /** Leap seconds, planetary SPK, the target's SPK, optional Earth PCK: loaded in this order. */
  kernels: readonly string[];
  /** CSV with at least id, date_obs (UTC exposure start), exptime, path, filename. */
  ccdsFile: string;
  catalogRoot: string;
  observer: Observer;
  matchRadiusArcsec: number;
  outDir: string;
  /** Called after each CCD chunk with CCDs done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** What the direct mode wrote. */
export interface DirectTraceResult {
  status: AsteroidStatus;
  targetId: number;
  ccds: number;
  ccdsFailed: number;
  observations: number;
  /** First CCD failure, when any. */
  error: string | null;
  desObsFile: string;
  ccdsFile: string;
}

/** CCDs per engine call in the direct mode (progress granularity). */
const DIRECT_CHUNK = 50;

/**
 * Orbit Trace for one object without a database: kernels and a CCD list in, `des_obs.csv`
 * (legacy columns, `;`) and `orbit_trace_ccds.json` (one record per CCD with its prediction,
 * match or reason) out. Throws an InputError / KernelError (exit 2) for bad inputs.
 */
export async function runDirectTrace(opts: DirectTraceOptions): Promise<DirectTraceResult> {
  if (!(opts.matchRadiusArcsec > 0)) throw new InputError(`--match-radius must be a positive number of arcsec, got ${opts.matchRadiusArcsec}`);
  if (opts.kernels.length === 0) throw new InputError("--kernels: give the leap seconds, the planetary SPK and the target's SPK");
  const ccds = readCcdsCsv(opts.ccdsFile);
  const engine = await SpiceEngine.create();
  try {
    const loaded = opts.kernels.map((k) => engine.loadKernel(k));
    if (!loaded.some((k) => k.kind === "LSK")) throw new InputError("--kernels: no leap-second kernel (e.g. naif0012.tls) among them");
    if (!loaded.some((k) => k.kind === "PCK") && !engine.raw.gdpool("BODY399_POLE_RA", 0, 3).found) engine.loadKernel(builtinEarthPckPath());
    const targetId = resolveTarget(opts.target, loaded.filter((k) => k.kind === "SPK").flatMap((k) => k.bodies.map((b) => b.id)));
    if (engine.coverage(targetId).length === 0) throw new KernelError(opts.kernels.join(", "), `no SPK among --kernels holds target ${targetId}`);
    const name = opts.name ?? opts.target;

    const traces: CcdTrace[] = [];
    const observations = [];
    for (let i = 0; i < ccds.length; i += DIRECT_CHUNK) {
      const part = traceAsteroid(engine, {
        asteroid: { id: opts.asteroidId ?? 0, name },
        targetId,
        ccds: ccds.slice(i, i + DIRECT_CHUNK),
        observer: opts.observer,
        matchRadiusArcsec: opts.matchRadiusArcsec,
        catalogRoot: opts.catalogRoot,
      });
      traces.push(...part.ccds);
      observations.push(...part.observations);
      opts.onProgress?.(Math.min(ccds.length, i + DIRECT_CHUNK), ccds.length);
    }
    const verdict = classifyTrace(traces, observations);
    mkdirSync(opts.outDir, { recursive: true });
    const desObsFile = join(opts.outDir, "des_obs.csv");
    const ccdsFile = join(opts.outDir, "orbit_trace_ccds.json");
    writeFileSync(desObsFile, desObsCsv(observations, opts.asteroidId ?? null, new Date()));
    writeFileSync(ccdsFile, safeJson({ name, target_id: targetId, status: verdict.status, error: verdict.error, ccds: traces }));
    return {
      status: verdict.status,
      targetId,
      ccds: traces.length,
      ccdsFailed: verdict.ccdsFailed,
      observations: observations.length,
      error: verdict.error,
      desObsFile,
      ccdsFile,
    };
  } finally {
    engine.dispose();
  }
}

/** `--target`: an integer NAIF id, or a name standing for the only small body in the SPKs. */
export function resolveTarget(target: string, spkBodies: readonly number[]): number {
  const t = target.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const small = [...new Set(spkBodies.filter((id) => Math.abs(id) >= SMALL_BODY_MIN_ID))];
  if (small.length === 1) return small[0]!;
  throw new InputError(
    small.length === 0
      ? `--target '${target}': no small-body SPK among --kernels`
      : `--target '${target}': several small bodies in --kernels (${small.join(", ")}); give the NAIF id`,
  );
}
