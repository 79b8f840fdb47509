/**
 * `tno predict <jobdir>`: Predict Occultation for every object of a job. Stars are cut along
 * each object's path in the main thread (file catalogue, or the database with q3c/zones), the
 * objects run on the worker pool, and each object's outputs and database rows are written as
 * soon as it finishes (one transaction per object). Resumable: objects finished by an earlier
 * run of the same inputs are kept.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../errors.js";
import { readStarCatalog, type Star } from "../../catalog/gaia.js";
import { retrieveAsteroids } from "../../db/asteroids.js";
import type { Database } from "../../db/database.js";
import { migrate } from "../../db/migrations.js";
import { openDatabase, type OpenDatabaseOptions } from "../../db/open.js";
import { upsertOccultations, type OccultationRow } from "../../db/occultations.js";
import { parseObserver, type Observer } from "../../ephemeris/observers.js";
import { InProcessExecutor } from "../../executors/in-process.js";
import { LocalWorkerPool } from "../../executors/pool.js";
import type { Executor, Task, TaskResult } from "../../executors/types.js";
import { ensureHorizonsSpk, type HorizonsTarget, type SpkSource } from "../../external/horizons.js";
import { bspSpan, type DateSpan } from "../../external/span.js";
import { selectStarsNearPath, spiceOccultationSource } from "../../occultation/index.js";
import { SpiceEngine } from "../../spice/engine.js";
import { KernelError } from "../../spice/errors.js";
import { smallBodyIdOfSpk } from "../../spice/ids.js";
import { etToUtc, parseTimeToEt } from "../../time/index.js";
import { jobHorizonsSource, resolveJobKernel, type JobKernelOptions } from "../inputs.js";
import { asteroidAlias, jobPath } from "../orbit-trace/job.js";
import { builtinEarthPckPath } from "../orbit-trace/kernels.js";
import { JobLog } from "../orbit-trace/log.js";
import { silentProgress, type ProgressSink } from "../orbit-trace/progress.js";
import { predictBspDaysToExpire, readPredictJob, type PredictJob } from "./job.js";
import type { PredictObjectRequest, PredictObjectResult } from "./object.js";
import { writeObjectOutputs } from "./outputs.js";
import { pathCones, queryStarsInCones } from "./stars.js";
import { tasks as predictTasks, PREDICT_TASK, type PredictTaskPayload } from "./tasks.js";

export const PREDICT_LOG_FILE = "predict.log";
export const PREDICT_STATE_FILE = "predict_state.jsonl";
export const PREDICT_SUMMARY_FILE = "predict_summary.json";
/** job.json fields written by the runner: not inputs, so not part of the resume hash. */
const RUN_FIELDS = new Set(["status", "start", "end", "exec_time", "count_asteroids", "count_asteroids_with_occ", "count_occ", "count_success", "count_failures", "error"]);
/** Step of the coarse path used to cut the catalogue (s). */
const SELECTION_STEP_S = 3600;

export interface RunPredictOptions {
  jobDir: string;
  db?: Database;
  database?: OpenDatabaseOptions;
  executor?: Executor;
  /** Worker threads (default: cores); 0 runs in process. */
  workers?: number;
  progress?: ProgressSink;
  signal?: AbortSignal;
  /** Where missing SPKs are downloaded from (default: Horizons at job.json `horizons_url`, `TNO_HORIZONS_URL` or JPL). */
  spkSource?: SpkSource;
  /** Never download (as job.json `offline`): SPKs and kernels must already be on disk. */
  offline?: boolean;
}

/** Outcome of one object. */
export interface PredictObjectOutcome {
  name: string;
  alias: string;
  status: "success" | "failure";
  events: number;
  stars: number;
  message: string | null;
  execTimeS: number;
}

export interface RunPredictReport {
  status: "Completed" | "Failed" | "Aborted";
  jobDir: string;
  objects: PredictObjectOutcome[];
  resumed: number;
  events: number;
  execTimeS: number;
  error: string | null;
}

interface ObjectInput {
  name: string;
  alias: string;
  /** Where the SPK is, or goes when downloaded. */
  spkPath: string;
  /** The job names this file: when present it is used as it is. */
  spkGiven: boolean;
  horizons: HorizonsTarget;
  targetId?: number;
  number?: string | number | null;
  diameterKm?: number;
  magnitude?: number;
  ephemerisUncertaintyMas?: { raMas: number; decMas: number };
  extra: Record<string, string | number | boolean | null>;
}

/**
 * Runs the Predict Occultation job in `jobDir`. An invalid job.json throws an {@link InputError}
 * (nothing is run); a failing object is recorded and the others go on.
 */
export async function runPredictJob(options: RunPredictOptions): Promise<RunPredictReport> {
  const jobDir = resolve(options.jobDir);
  const job = readPredictJob(jobDir);
  const t0 = Date.now();
  const log = new JobLog(join(jobDir, PREDICT_LOG_FILE), job.debug ? "DEBUG" : "INFO");
  const progress = options.progress ?? silentProgress;
  const needsDb = job.objects === undefined || "table" in job.star_catalog || job.ingest === true;
  let db = options.db;
  const ownDb = needsDb && !db;
  let engine: SpiceEngine | undefined;
  let executor = options.executor;
  const ownExecutor = !executor;
  const outcomes: PredictObjectOutcome[] = [];
  let resumed = 0;
  let error: string | null = null;
  let aborted = false;
  updateJobFile(jobDir, { status: "Running", start: new Date(t0).toISOString() });
  try {
    if (ownDb) db = await openDatabase(options.database ?? {});
    if (db) await migrate(db);
    const ingest = job.ingest ?? db !== undefined;
    log.info(`Predict Occultation job ${job.id ?? basename(jobDir)}: ${job.predict_start_date} .. ${job.predict_end_date}, step ${job.predict_step} s${db ? `, database ${db.label}` : ""}`);

    const offline = options.offline === true || job.offline;
    const kernelOptions: JobKernelOptions = { ...(job.kernel_cache !== undefined ? { cacheDir: job.kernel_cache } : {}), offline };
    const leapSeconds = await resolveJobKernel(jobDir, "leap_seconds", job.leap_seconds, kernelOptions);
    const planetary = await resolveJobKernel(jobDir, "bsp_planetary", job.bsp_planetary, kernelOptions);
    const baseKernels = [leapSeconds, planetary];
    for (const k of job.extra_kernels) baseKernels.push(await resolveJobKernel(jobDir, "extra_kernels", k, kernelOptions));
    engine = await SpiceEngine.create();
    const infos = engine.loadKernels(baseKernels);
    if (!infos.some((k) => k.kind === "PCK" || /\.tpc$/i.test(k.path))) {
      baseKernels.push(builtinEarthPckPath());
      engine.loadKernel(builtinEarthPckPath());
    }
    const startEt = toEt(engine, job.predict_start_date, "predict_start_date", false);
    const endEt = toEt(engine, job.predict_end_date, "predict_end_date", true);
    if (!(endEt > startEt)) throw new InputError(`job.json: predict_end_date (${job.predict_end_date}) is not after predict_start_date (${job.predict_start_date})`);
    const observer = toObserver(job.observer);
    // Missing SPKs are requested for the legacy span around the period (whole years either side).
    const period = { start: etToUtc(engine, startEt, 0), end: etToUtc(engine, endEt, 0) };
    const spkRequest: SpkRequest = { span: bspSpan(period.start, period.end), period, daysToExpire: predictBspDaysToExpire(job), offline, source: options.spkSource ?? jobHorizonsSource(job.horizons_url), engine };
    const objects = await resolveObjects(jobDir, job, db);
    log.info(`${objects.length} object(s)`);

    const inputs = Object.fromEntries(Object.entries(job).filter(([k]) => !RUN_FIELDS.has(k)));
    const inputsHash = createHash("sha1").update(JSON.stringify(inputs)).digest("hex");
    const statePath = join(jobDir, PREDICT_STATE_FILE);
    const done = readState(statePath, inputsHash);

    let fileStars: Star[] | undefined;
    if ("file" in job.star_catalog) {
      const cat = readStarCatalog(jobPath(jobDir, job.star_catalog.file), {
        ...(job.star_catalog.ref_epoch !== undefined ? { refEpochYr: job.star_catalog.ref_epoch } : {}),
        ...(job.star_catalog.release ? { release: job.star_catalog.release } : {}),
        ...(job.maximum_visual_magnitude !== undefined ? { magLimit: job.maximum_visual_magnitude } : {}),
      });
      fileStars = cat.stars;
      log.info(`star catalogue ${job.star_catalog.file}: ${cat.stars.length} star(s), reference epoch from ${cat.refEpochSource}`);
    }

    // Cut the stars along each object's path, then hand the objects to the pool.
    const tasks: Array<Task<PredictTaskPayload>> = [];
    const taskObjects: ObjectInput[] = [];
    for (const obj of objects) {
      const prev = done.get(obj.alias);
      if (prev) {
        outcomes.push(prev);
        resumed++;
        continue;
      }
      const started = Date.now();
      try {
        obj.spkPath = await objectSpk(obj, spkRequest, log);
        const info = engine.loadKernel(obj.spkPath, { slot: "predict-select" });
        const targetId = obj.targetId ?? smallBodyIdOfSpk(info.path);
        const source = spiceOccultationSource(engine, targetId, observer, SELECTION_STEP_S);
        const radius = {
          startEt,
          endEt,
          stepSeconds: SELECTION_STEP_S,
          ...(job.search_radius ? { searchRadiusArcsec: job.search_radius } : {}),
          ...(obj.diameterKm !== undefined ? { objectDiameterKm: obj.diameterKm } : {}),
          marginArcsec: job.proper_motion_compensation,
        };
        let candidates: Star[];
        if (fileStars) candidates = fileStars;
        else {
          const coarse = source.states(coarseGrid(startEt, endEt));
          const unit = unitVectors(coarse.positionKm);
          const widest = job.search_radius ?? maxRadiusArcsec(coarse.positionKm, obj.diameterKm ?? 0);
          const cones = pathCones(unit, (widest + job.proper_motion_compensation + 60) / 3600);
          const table = "table" in job.star_catalog ? job.star_catalog.table : undefined;
          candidates = (await queryStarsInCones(db!, cones, { ...(table ? { table } : {}), ...(job.maximum_visual_magnitude !== undefined ? { magLimit: job.maximum_visual_magnitude } : {}) })).stars;
        }
        const stars = candidates.length ? selectStarsNearPath(source, candidates, radius).map((i) => candidates[i]!) : [];
        log.info(`${obj.name}: target ${targetId}, ${stars.length} star(s) along the path`);
        const request: PredictObjectRequest = {
          targetId,
          object: { name: obj.name, alias: obj.alias, number: obj.number ?? null, ...obj.extra, ...(obj.diameterKm !== undefined ? { diameter: obj.diameterKm } : {}) },
          startEt,
          endEt,
          stepSeconds: job.predict_step,
          stars,
          observer,
          ...(job.search_radius ? { searchRadiusArcsec: job.search_radius } : {}),
          ...(job.maximum_visual_magnitude !== undefined ? { magLimit: job.maximum_visual_magnitude } : {}),
          ...(obj.diameterKm !== undefined ? { diameterKm: obj.diameterKm } : {}),
          ...(obj.magnitude !== undefined ? { objectMagnitude: obj.magnitude } : {}),
          ...(obj.ephemerisUncertaintyMas ? { ephemerisUncertaintyMas: obj.ephemerisUncertaintyMas } : {}),
          provenance: {
            catalog: job.star_catalog.display_name.slice(0, 10),
            predict_step: job.predict_step,
            bsp_planetary: (job.bsp_planetary.name ?? basename(planetary).replace(/\.bsp$/i, "")).slice(0, 10),
            leap_seconds: (job.leap_seconds.name ?? basename(leapSeconds).replace(/\.tls$/i, "")).slice(0, 10),
            bsp_source: "JPL",
            ...(job.id !== undefined ? { job_id: job.id } : {}),
          },
          maps: job.maps !== "none",
        };
        tasks.push({ kind: PREDICT_TASK, payload: { baseKernels, spkPath: obj.spkPath, request } });
        taskObjects.push(obj);
      } catch (e) {
        const outcome = failure(obj, e, started);
        log.error(`${obj.name}: ${outcome.message}`);
        outcomes.push(outcome);
        appendState(statePath, inputsHash, outcome);
      }
    }

    if (tasks.length > 0) {
      const workers = options.workers ?? Math.min(availableParallelism(), tasks.length);
      executor ??=
        workers === 0
          ? new InProcessExecutor({ tasks: predictTasks, kernels: baseKernels })
          : new LocalWorkerPool({ taskModules: [new URL("./tasks.js", import.meta.url)], kernels: baseKernels, size: workers });
      progress.start(tasks.length, "objects");
      let chain = Promise.resolve();
      let finished = 0;
      const handle = async (index: number, result: TaskResult<PredictObjectResult>) => {
        const obj = taskObjects[index]!;
        let outcome: PredictObjectOutcome;
        if (!result.ok) outcome = { name: obj.name, alias: obj.alias, status: "failure", events: 0, stars: 0, message: `${result.error.name}: ${result.error.message}`, execTimeS: result.durationMs / 1000 };
        else {
          const r = result.value;
          try {
            await writeObjectOutputs(join(jobDir, "objects", obj.alias), r, { job_id: job.id ?? null, start: job.predict_start_date, end: job.predict_end_date, step_s: job.predict_step }, job.maps);
            if (ingest && db && r.rows.length) await upsertOccultations(db, r.rows as unknown as OccultationRow[]);
            for (const w of r.warnings) log.warning(`${obj.name}: ${w}`);
            outcome = { name: obj.name, alias: obj.alias, status: "success", events: r.events.length, stars: r.starCount, message: null, execTimeS: result.durationMs / 1000 };
          } catch (e) {
            outcome = failure(obj, e, Date.now() - result.durationMs);
          }
        }
        (outcome.status === "success" ? log.info.bind(log) : log.error.bind(log))(`${obj.name}: ${outcome.status}, ${outcome.events} event(s)${outcome.message ? `: ${outcome.message}` : ""}`);
        outcomes.push(outcome);
        appendState(statePath, inputsHash, outcome);
        progress.update(++finished, obj.name);
      };
      try {
        await executor.map<PredictObjectResult, PredictTaskPayload>(tasks, {
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (ev) => {
            chain = chain.then(() => handle(ev.index, ev.result));
          },
        });
      } catch (e) {
        if ((e as Error).name === "AbortError") aborted = true;
        else throw e;
      } finally {
        await chain;
        progress.stop();
      }
    }
  } catch (e) {
    // Bad input (a job field, a kernel missing or not cached offline): nothing was run, exit 2.
    if (e instanceof InputError || e instanceof KernelError) {
      updateJobFile(jobDir, { status: "Failed", error: e.message });
      log.error(e.message);
      throw e;
    }
    error = (e as Error).message;
    log.error(`job failed: ${error}`);
  } finally {
    engine?.dispose();
    if (ownExecutor && executor) await executor.close();
    if (ownDb && db) await db.close();
  }
  const events = outcomes.reduce((s, o) => s + o.events, 0);
  const status: RunPredictReport["status"] = aborted ? "Aborted" : error ? "Failed" : "Completed";
  const execTimeS = (Date.now() - t0) / 1000;
  const summary = {
    status,
    end: new Date().toISOString(),
    exec_time: execTimeS,
    count_asteroids: outcomes.length,
    count_asteroids_with_occ: outcomes.filter((o) => o.events > 0).length,
    count_occ: events,
    count_success: outcomes.filter((o) => o.status === "success").length,
    count_failures: outcomes.filter((o) => o.status === "failure").length,
    error,
  };
  writeFileSync(join(jobDir, PREDICT_SUMMARY_FILE), `${JSON.stringify({ ...summary, objects: outcomes }, null, 2)}\n`);
  updateJobFile(jobDir, summary);
  log.info(`${status}: ${outcomes.length} object(s), ${events} event(s), ${summary.count_failures} failure(s) in ${execTimeS.toFixed(1)} s`);
  log.close();
  return { status, jobDir, objects: outcomes, resumed, events, execTimeS, error };
}

/** How the SPKs missing from the asteroid folders are obtained. */
interface SpkRequest {
  span: DateSpan;
  period: { start: string; end: string };
  daysToExpire: number;
  offline: boolean;
  source: SpkSource;
  engine: SpiceEngine;
}

/**
 * The object's SPK. A file the job names, or one put in the asteroid folder by hand (no
 * `<alias>.json` download metadata beside it), is used as it is. Otherwise the Horizons cache
 * rules apply (`bsp_days_to_expire`, period coverage, integrity): reused, or downloaded unless
 * offline. A failed download throws, which fails this object only.
 */
async function objectSpk(obj: ObjectInput, req: SpkRequest, log: JobLog): Promise<string> {
  const dir = dirname(obj.spkPath);
  const stem = basename(obj.spkPath).replace(/\.bsp$/i, "");
  if (existsSync(obj.spkPath) && (obj.spkGiven || !existsSync(join(dir, `${stem}.json`)))) return obj.spkPath;
  if (!req.offline) mkdirSync(dir, { recursive: true });
  const ensured = await ensureHorizonsSpk({ target: obj.horizons, alias: stem, dir, span: req.span, period: req.period, daysToExpire: req.daysToExpire, offline: req.offline, source: req.source, engine: req.engine });
  log.info(`${obj.name}: ${ensured.reused ? "cached SPK still valid" : `SPK downloaded from ${ensured.meta.source} (${ensured.meta.solution ?? "solution unknown"}, ${ensured.meta.span.start} .. ${ensured.meta.span.end})`}: ${ensured.bspPath}`);
  return ensured.bspPath;
}

function failure(obj: ObjectInput, e: unknown, startedMs: number): PredictObjectOutcome {
  return { name: obj.name, alias: obj.alias, status: "failure", events: 0, stars: 0, message: (e as Error).message ?? String(e), execTimeS: (Date.now() - startedMs) / 1000 };
}

async function resolveObjects(jobDir: string, job: PredictJob, db: Database | undefined): Promise<ObjectInput[]> {
  const root = jobPath(jobDir, job.asteroid_path ?? "asteroids");
  if (job.objects) {
    return job.objects.map((o) => ({
      name: o.name,
      alias: asteroidAlias(o.name),
      spkPath: o.spk !== undefined ? jobPath(jobDir, o.spk) : asteroidSpkPath(root, asteroidAlias(o.name)),
      spkGiven: o.spk !== undefined,
      horizons: horizonsTarget(o.name, o.number, o.target_id),
      ...(o.target_id !== undefined ? { targetId: o.target_id } : {}),
      ...(o.number !== undefined ? { number: o.number } : {}),
      ...(o.diameter !== undefined ? { diameterKm: o.diameter } : {}),
      ...(o.magnitude !== undefined ? { magnitude: o.magnitude } : {}),
      ...(o.ephemeris_uncertainty_mas ? { ephemerisUncertaintyMas: { raMas: o.ephemeris_uncertainty_mas[0], decMas: o.ephemeris_uncertainty_mas[1] } } : {}),
      extra: {},
    }));
  }
  const rows = await retrieveAsteroids(db!, { type: job.filter_type!, value: job.filter_value! });
  if (rows.length === 0) throw new InputError(`job.json: no asteroid matches ${job.filter_type} = '${job.filter_value}'`);
  return rows.map((row) => {
    const r = row as unknown as Record<string, unknown>;
    const name = String(r.name);
    const alias = asteroidAlias(name);
    const diameter = typeof r.diameter === "number" && r.diameter > 0 ? r.diameter : undefined;
    const extra: Record<string, string | number | boolean | null> = {};
    for (const k of ["principal_designation", "base_dynclass", "dynclass", "astorb_dynbaseclass", "astorb_dynsubclass", "h", "g"]) {
      const v = r[k];
      if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") extra[k] = v;
    }
    const number = (r.number as string | null) ?? null;
    return { name, alias, spkPath: asteroidSpkPath(root, alias), spkGiven: false, horizons: horizonsTarget(name, number), number, ...(diameter !== undefined ? { diameterKm: diameter } : {}), extra };
  });
}

/** `<root>/<alias>/<alias>.bsp`, or `<root>/<alias>.bsp` when only that one exists. */
function asteroidSpkPath(root: string, alias: string): string {
  const nested = join(root, alias, `${alias}.bsp`);
  const flat = join(root, `${alias}.bsp`);
  return !existsSync(nested) && existsSync(flat) ? flat : nested;
}

/** What Horizons is asked for: the number when there is one (never ambiguous), else the name (or the SPK-ID). */
function horizonsTarget(name: string, number: string | number | null | undefined, spkId?: number): HorizonsTarget {
  const n = number === null || number === undefined ? "" : String(number).trim();
  return { identifier: /^\d+$/.test(n) ? n : name, ...(spkId !== undefined ? { spkId } : {}) };
}

function toEt(engine: SpiceEngine, text: string, field: string, isEnd: boolean): number {
  try {
    if (isEnd && /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(text)) return parseTimeToEt(engine, `${text.trim()}T23:59:59`, "utc");
    return parseTimeToEt(engine, text, "utc");
  } catch (e) {
    throw new InputError(`job.json ${field}: ${(e as Error).message}`);
  }
}

function toObserver(o: PredictJob["observer"]): Observer {
  if (Array.isArray(o)) return { kind: "geodetic", lonDeg: o[0], latDeg: o[1], heightM: o[2] };
  if (o.toLowerCase() === "geocenter" || o === "500") return { kind: "geocenter" };
  try {
    return parseObserver(o);
  } catch (e) {
    throw new InputError(`job.json observer: ${(e as Error).message}`);
  }
}

function coarseGrid(startEt: number, endEt: number): Float64Array {
  const n = Math.max(2, Math.ceil((endEt - startEt) / SELECTION_STEP_S) + 1);
  return Float64Array.from({ length: n }, (_, i) => Math.min(endEt, startEt + i * SELECTION_STEP_S));
}

function unitVectors(p: Float64Array): Float64Array {
  const u = new Float64Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const r = Math.hypot(p[i]!, p[i + 1]!, p[i + 2]!);
    u[i] = p[i]! / r;
    u[i + 1] = p[i + 1]! / r;
    u[i + 2] = p[i + 2]! / r;
  }
  return u;
}

function maxRadiusArcsec(p: Float64Array, diameterKm: number): number {
  let minR = Infinity;
  for (let i = 0; i < p.length; i += 3) minR = Math.min(minR, Math.hypot(p[i]!, p[i + 1]!, p[i + 2]!));
  return (Math.asin(Math.min(1, (6378.137 + diameterKm / 2) / minR)) * 180 * 3600) / Math.PI;
}

/** Objects finished by an earlier run with the same inputs. */
function readState(path: string, hash: string): Map<string, PredictObjectOutcome> {
  const done = new Map<string, PredictObjectOutcome>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as { hash: string; outcome: PredictObjectOutcome };
      if (rec.hash === hash && rec.outcome.status === "success") done.set(rec.outcome.alias, rec.outcome);
      else if (rec.hash === hash) done.delete(rec.outcome.alias);
    } catch {
      // A line cut by a kill: that object is simply redone.
    }
  }
  return done;
}

function appendState(path: string, hash: string, outcome: PredictObjectOutcome): void {
  appendFileSync(path, `${JSON.stringify({ hash, outcome })}\n`);
}

/** Merges fields into job.json (atomically). */
function updateJobFile(jobDir: string, patch: Record<string, unknown>): void {
  const file = join(jobDir, "job.json");
  try {
    const job = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const tmp = `${file}.${process.pid}.tmp`;
    mkdirSync(jobDir, { recursive: true });
    writeFileSync(tmp, `${JSON.stringify({ ...job, ...patch }, null, 2)}\n`);
    renameSync(tmp, file);
  } catch {
    // An unreadable job.json was already reported by the validation.
  }
}
