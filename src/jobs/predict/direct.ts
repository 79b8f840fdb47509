/**
 * Predict Occultation for one object without a database:
 * `tno predict --target <id> --kernels <...> --start <t> --end <t> --step <s> --stars <file> --out <dir>`.
 */
import { basename } from "node:path";
import { InputError } from "../../errors.js";
import { CatalogError } from "../../catalog/des.js";
import { readStarCatalog, type GaiaRelease } from "../../catalog/gaia.js";
import type { Observer } from "../../ephemeris/observers.js";
import { PredictInputError } from "../../occultation/index.js";
import { SpiceEngine } from "../../spice/engine.js";
import { KernelError } from "../../spice/errors.js";
import { parseTimeToEt, TimeParseError } from "../../time/index.js";
import { builtinEarthPckPath } from "../orbit-trace/kernels.js";
import { predictObject, type PredictObjectResult } from "./object.js";
import { writeObjectOutputs, type MapFormat } from "./outputs.js";

const SMALL_BODY_MIN_ID = 1_000_000;

export interface DirectPredictOptions {
  /** NAIF id of the object, or its name when exactly one small-body SPK is among `kernels`. */
  target: string;
  /** Name written in the table and hashed into hash_id (default: `target`). */
  name?: string;
  /** Leap seconds, planetary SPK, the object's SPK (and optionally an Earth PCK for the ground paths). */
  kernels: readonly string[];
  /** UTC, ISO or JD. A date alone as the end means the whole day (the legacy stopped at 00:00). */
  start: string;
  end: string;
  stepSeconds: number;
  starsFile: string;
  /** Reference epoch of a star file without `ref_epoch` (Julian years). */
  starEpochYr?: number;
  release?: GaiaRelease;
  searchRadiusArcsec?: number;
  magLimit?: number;
  diameterKm?: number;
  objectMagnitude?: number;
  observer?: Observer;
  outDir: string;
  maps?: MapFormat;
}

export interface DirectPredictResult extends PredictObjectResult {
  files: string[];
}

/**
 * Runs the direct mode: reads the stars, loads the kernels, predicts, writes
 * `occultation_table.csv`, `occultations.json` (and maps) into `outDir`.
 * Bad inputs (files, times, coverage, no stars) throw an {@link InputError} or {@link KernelError} (exit 2).
 */
export async function runDirectPredict(opts: DirectPredictOptions): Promise<DirectPredictResult> {
  if (opts.kernels.length === 0) throw new InputError("--kernels: give the leap seconds, the planetary SPK and the object's SPK");
  if (!(opts.stepSeconds > 0)) throw new InputError(`--step must be a positive number of seconds, got ${opts.stepSeconds}`);
  let catalog;
  try {
    catalog = readStarCatalog(opts.starsFile, {
      ...(opts.starEpochYr !== undefined ? { refEpochYr: opts.starEpochYr } : {}),
      ...(opts.release ? { release: opts.release } : {}),
      ...(opts.magLimit !== undefined ? { magLimit: opts.magLimit } : {}),
    });
  } catch (e) {
    if (e instanceof CatalogError) throw new InputError(e.message);
    throw e;
  }
  if (catalog.stars.length === 0) throw new InputError(`--stars ${opts.starsFile}: no star is brighter than G = ${opts.magLimit}`);
  const engine = await SpiceEngine.create();
  try {
    const infos = engine.loadKernels(opts.kernels);
    // The ground path needs the Earth's orientation: use the built-in IAU 2009 constants when no PCK is given.
    if (!infos.some((k) => k.kind === "PCK" || (k.kind === "TEXT" && /pck|\.tpc$/i.test(k.path)))) engine.loadKernel(builtinEarthPckPath());
    const targetId = resolveTarget(opts.target, infos.flatMap((k) => (k.kind === "SPK" ? k.bodies.map((b) => ({ id: b.id, path: k.path })) : [])));
    const startEt = toEt(engine, opts.start, "--start", false);
    const endEt = toEt(engine, opts.end, "--end", true);
    if (!(endEt > startEt)) throw new InputError(`--end (${opts.end}) must be after --start (${opts.start})`);
    const name = opts.name ?? opts.target;
    const planetary = infos.find((k) => k.kind === "SPK" && k.bodies.some((b) => b.id === 399));
    const lsk = infos.find((k) => k.kind === "LSK");
    const object = infos.find((k) => k.kind === "SPK" && k.bodies.some((b) => b.id === targetId));
    let result;
    try {
      result = predictObject(engine, {
        targetId,
        object: { name, ...(opts.diameterKm !== undefined ? { diameter: opts.diameterKm } : {}) },
        startEt,
        endEt,
        stepSeconds: opts.stepSeconds,
        stars: catalog.stars,
        ...(opts.observer ? { observer: opts.observer } : {}),
        ...(opts.searchRadiusArcsec !== undefined ? { searchRadiusArcsec: opts.searchRadiusArcsec } : {}),
        ...(opts.diameterKm !== undefined ? { diameterKm: opts.diameterKm } : {}),
        ...(opts.objectMagnitude !== undefined ? { objectMagnitude: opts.objectMagnitude } : {}),
        provenance: {
          catalog: "GAIA DR3",
          predict_step: opts.stepSeconds,
          bsp_planetary: planetary ? basename(planetary.path).replace(/\.bsp$/i, "").slice(0, 10) : "",
          leap_seconds: lsk ? basename(lsk.path).replace(/\.tls$/i, "").slice(0, 10) : "",
          bsp_source: object ? basename(object.path).replace(/\.bsp$/i, "").slice(0, 10) : "",
        },
        maps: (opts.maps ?? "none") !== "none",
      });
    } catch (e) {
      if (e instanceof PredictInputError) throw new InputError(e.message);
      throw e;
    }
    const files = await writeObjectOutputs(
      opts.outDir,
      result,
      {
        start_utc: opts.start,
        end_utc: opts.end,
        start_et: startEt,
        end_et: endEt,
        step_s: opts.stepSeconds,
        stars_file: opts.starsFile,
        star_ref_epoch_source: catalog.refEpochSource,
        kernels: infos.map((k) => ({ file: basename(k.path), sha256: k.sha256 })),
      },
      opts.maps ?? "none",
    );
    return { ...result, files };
  } finally {
    engine.dispose();
  }
}

function toEt(engine: SpiceEngine, text: string, flag: string, isEnd: boolean): number {
  try {
    // A bare date as the end of a period means the end of that day (legacy bug: it stopped at 00:00).
    if (isEnd && /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(text)) return parseTimeToEt(engine, `${text.trim()}T23:59:59`, "utc");
    return parseTimeToEt(engine, text, "utc");
  } catch (e) {
    if (e instanceof TimeParseError) throw new InputError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** A NAIF id, or the single small body of the loaded SPKs. */
function resolveTarget(target: string, bodies: Array<{ id: number; path: string }>): number {
  if (/^-?\d+$/.test(target.trim())) {
    const id = Number(target);
    if (!bodies.some((b) => b.id === id)) throw new KernelError(bodies.map((b) => b.path).filter((p, i, a) => a.indexOf(p) === i).join(", "), `no loaded SPK holds target ${id}`);
    return id;
  }
  const small = [...new Set(bodies.filter((b) => Math.abs(b.id) >= SMALL_BODY_MIN_ID).map((b) => b.id))];
  if (small.length !== 1) throw new InputError(`--target ${target}: give the NAIF id (the kernels hold ${small.length ? small.join(", ") : "no small body"})`);
  return small[0]!;
}
