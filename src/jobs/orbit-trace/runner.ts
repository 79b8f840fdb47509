import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "../../errors.js";
import { retrieveAsteroids, type AsteroidRow } from "../../db/asteroids.js";
import { retrieveCcds } from "../../db/ccds.js";
import { sqlState, type Database } from "../../db/database.js";
import { getOrbitTraceJob, replaceOrbitTraceResults, updateOrbitTraceJob, type OrbitTraceJobUpdate } from "../../db/jobs.js";
import { replaceObservations } from "../../db/observations.js";
import { openDatabase, type OpenDatabaseOptions } from "../../db/open.js";
import type { Observer } from "../../ephemeris/observers.js";
import { InProcessExecutor } from "../../executors/in-process.js";
import { LocalWorkerPool } from "../../executors/pool.js";
import { ExecutorAbortError, type Executor, type Task, type TaskResult } from "../../executors/types.js";
import { bspSpan } from "../../external/span.js";
import { ensureHorizonsSpk, type SpkSource } from "../../external/horizons.js";
import { kernelKind } from "../../spice/engine.js";
import { smallBodyIdOfSpk } from "../../spice/ids.js";
import { ccdsCsv } from "./ccds.js";
import { omcPlotSvg } from "./plot.js";
import { classifyTrace, desObsCsv, jobCounts, resultRows, resultsCsv, safeJson, type AsteroidOutcome } from "./consolidate.js";
import { asteroidAlias, JOB_FILE, jobPath, readOrbitTraceJob, writeJobFile, type OrbitTraceJob, type TimeProfileEntry } from "./job.js";
import { resolveJobKernel, jobHorizonsSource } from "../inputs.js";
import { builtinEarthPckPath } from "./kernels.js";
import { isoUtc, JobLog, naturalDelta, timedeltaString } from "./log.js";
import { silentProgress, type ProgressSink } from "./progress.js";
import { jobInputsHash, JobState } from "./state.js";
import { tasks as traceTasks, TRACE_TASK, type TraceTaskPayload } from "./tasks.js";
import { untracedCcd, type CcdInput, type TraceResult } from "./trace.js";
import { takePidLock } from "../../pidlock.js";

/** The job log's file name. */
export const LOG_FILE = "orbit_trace.log";
/** Lock file held while a runner works in a job directory. */
export const LOCK_FILE = ".orbit_trace.lock";
/** The line that marks the end of a run (the legacy README says a job is finished when it appears). */
export const DONE_LINE = "Identification of DES object is done!.";
/** CCDs per task: small enough to spread one asteroid over workers, big enough to amortise SPK loads. */
export const DEFAULT_CCDS_PER_TASK = 64;

/** How a run ended. */
export type RunStatus = "Completed" | "Failed" | "Aborted";

export interface RunOrbitTraceOptions {
  jobDir: string;
  /** An open database (left open). Otherwise one is opened from `database` and closed at the end. */
  db?: Database;
  /** Where to open the database when `db` is not given (default: `$TNO_DATABASE_URL`, else PGlite in `<cwd>/.tno/db`). */
  database?: OpenDatabaseOptions;
  /** An executor to run the tasks on (left open). Otherwise a {@link LocalWorkerPool} of `workers` threads. */
  executor?: Executor;
  /** Worker threads (default: available cores); 0 runs in process. */
  workers?: number;
  /** Root of the DES catalogues; overrides job.json `des_catalog_path`. */
  catalogRoot?: string;
  /** Where SPKs missing from the asteroid folders are downloaded from (default: JPL Horizons). */
  spkSource?: SpkSource;
  /** Never download: use only the SPKs already in the asteroid folders. */
  offline?: boolean;
  progress?: ProgressSink;
  /** Aborting stops the run cleanly: finished asteroids are kept, status Aborted is written. */
  signal?: AbortSignal;
  ccdsPerTask?: number;
  /** Echo of every log line (e.g. to stderr in debug). */
  echo?: (line: string) => void;
}

/** What a run reports (also written to job.json). */
export interface RunOrbitTraceReport {
  status: RunStatus;
  jobDir: string;
  counts: ReturnType<typeof jobCounts>;
  error: string | null;
  /** Asteroids taken from a previous run's state. */
  resumedAsteroids: number;
  execTimeS: number;
}

/** A failure that ends the whole job (as opposed to one asteroid or one CCD). */
class JobFailure extends Error {
  override readonly name = "JobFailure";
}

/** Infrastructure (connection, server) errors stop the job; data errors only fail the asteroid. */
function isAsteroidLevelDbError(e: unknown): boolean {
  const state = sqlState(e);
  if (state !== undefined) return state.startsWith("22") || state.startsWith("23");
  return /^observation \d+ of asteroid/.test((e as Error).message ?? "");
}

/**
 * Runs the Orbit Trace job in `jobDir` (its job.json) against the database: asteroids by the
 * job's filter, their DES CCDs within the period, each asteroid's SPK (from its folder or JPL
 * Horizons), topocentric positions at mid-exposure and the nearest catalogue source, written
 * per asteroid in one transaction. Writes `orbit_trace.log`, job.json (status, times, counts,
 * time_profile, error, traceback), `ccds.csv`, `asteroids_success.json`,
 * `asteroids_failed.json`, `orbit_trace_results.csv` and each asteroid's `des_obs.csv`.
 *
 * Resumable: asteroids finished by an earlier run of the same inputs (orbit_trace_state.jsonl)
 * are not redone. An invalid job.json throws an {@link InputError} (nothing is run); any
 * other failure ends the run with status Failed written to job.json (and the database row
 * when reachable), and is reported, not thrown.
 */
export async function runOrbitTraceJob(options: RunOrbitTraceOptions): Promise<RunOrbitTraceReport> {
  const jobDir = resolve(options.jobDir);
  let job: OrbitTraceJob;
  try {
    job = readOrbitTraceJob(jobDir);
  } catch (e) {
    markInvalidJob(jobDir, (e as Error).message);
    throw e;
  }
  const release = acquireLock(jobDir);
  try {
    return await run(jobDir, job, options);
  } finally {
    release();
  }
}

/** Writes status Failed and the error into a job.json that failed validation, when it is a JSON object. */
function markInvalidJob(jobDir: string, message: string): void {
  try {
    const raw = JSON.parse(readFileSync(join(jobDir, JOB_FILE), "utf8")) as unknown;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return;
    const now = isoUtc(new Date());
    writeJobFile(jobDir, { ...(raw as Record<string, unknown>), status: "Failed", error: message, traceback: null, end: now });
  } catch {
    // Not JSON or not writable: the thrown InputError tells the user.
  }
}

/** One runner per job directory; a lock left by a killed run (dead pid) is taken over. */
function acquireLock(jobDir: string): () => void {
  return takePidLock(
    join(jobDir, LOCK_FILE),
    (pid) => new InputError(`${jobDir}: the job is already running (pid ${pid}, lock ${LOCK_FILE})`),
    { reentrant: true },
  );
}

interface Pending {
  asteroid: AsteroidRow;
  ccds: CcdInput[];
  dir: string;
  spkPath?: string;
  spkid?: number;
  outcome?: AsteroidOutcome;
}

async function run(jobDir: string, job: OrbitTraceJob, options: RunOrbitTraceOptions): Promise<RunOrbitTraceReport> {
  const t0 = new Date();
  const log = new JobLog(join(jobDir, LOG_FILE), job.debug ? "DEBUG" : "INFO", options.echo);
  const progress = options.progress ?? silentProgress;
  const doc: Record<string, unknown> = { ...job };
  const timeProfile: TimeProfileEntry[] = [];
  const outcomes = new Map<number, AsteroidOutcome>();
  let asteroids: AsteroidRow[] = [];
  let status: RunStatus = "Completed";
  let error: string | null = null;
  let traceback: string | null = null;
  let resumedAsteroids = 0;
  let db = options.db;
  let executor = options.executor;
  let dbJobRow = false;

  const catalogRoot = options.catalogRoot ?? (job.des_catalog_path !== undefined ? jobPath(jobDir, job.des_catalog_path) : process.env.TNO_DES_CATALOG_PATH);
  const asteroidRoot = jobPath(jobDir, job.asteroid_path ?? "asteroids");
  let planetary = job.bsp_planetary.absolute_path ?? job.bsp_planetary.filename ?? job.bsp_planetary.name ?? "";
  let lsk = job.leap_seconds.absolute_path ?? job.leap_seconds.filename ?? job.leap_seconds.name ?? "";
  let extraKernels: string[] = [];
  const [lon, lat, height] = job.observatory_location;
  const observer: Observer = { kind: "geodetic", lonDeg: lon, latDeg: lat, heightM: height };

  // count_asteroids and count_ccds are what the filter selected (legacy); the other counts are
  // over the asteroids finished so far (all of them when the job completes).
  let selected: { asteroids: number; ccds: number } | undefined;
  const counts = () => {
    const c = jobCounts([...outcomes.values()]);
    return selected ? { ...c, count_asteroids: selected.asteroids, count_ccds: selected.ccds } : c;
  };
  const saveJob = async (label: RunStatus | "Running") => {
    Object.assign(doc, { status: label, error, traceback, time_profile: timeProfile, ...counts() });
    writeJobFile(jobDir, doc);
    if (db && dbJobRow) {
      const c = counts();
      const patch: OrbitTraceJobUpdate = {
        status: label,
        path: jobDir,
        start: new Date(doc.start as string),
        end: doc.end ? new Date(doc.end as string) : null,
        exec_time: doc.exec_time as number,
        error,
        traceback,
        count_asteroids: c.count_asteroids,
        count_ccds: c.count_ccds,
        count_observations: c.count_observations,
        count_success: c.count_success,
        count_failures: c.count_failures,
        ...(doc.h_exec_time ? { h_exec_time: doc.h_exec_time as string } : {}),
        avg_exec_time_asteroid: (doc.avg_exec_time_asteroid as number | undefined) ?? 0,
        avg_exec_time_ccd: (doc.avg_exec_time_ccd as number | undefined) ?? 0,
      };
      try {
        await updateOrbitTraceJob(db, job.id, patch);
      } catch (e) {
        log.warning(`Could not write the job status to the database: ${(e as Error).message}`);
      }
    }
  };
  const step = (name: string, start: Date, extra: Partial<TimeProfileEntry> = {}, execTimeS?: number) => {
    const end = new Date();
    timeProfile.push({ step: name, start: isoUtc(start), end: isoUtc(end), exec_time: execTimeS ?? (end.getTime() - start.getTime()) / 1000, ...extra });
  };
  const successFailed = () => {
    const c = counts();
    return { ast_success: c.count_success + c.count_no_observations, ast_failed: c.count_failures };
  };

  log.info("--------------< DES Object Identifier >--------------");
  log.info(`Job ID: [${job.id}]`);
  log.info(`Current Path: [${jobDir}]`);
  log.info(`DEBUG: [${job.debug}]`);
  Object.assign(doc, { path: job.path ?? jobDir, start: isoUtc(t0), end: null, exec_time: 0 });
  log.info("Update Job status to running.");
  await saveJob("Running");

  try {
    // Kernels: a file at absolute_path as it is, otherwise from the kernel cache by name.
    const kernelOptions = options.offline ? { offline: true } : {};
    planetary = await resolveJobKernel(jobDir, "bsp_planetary", job.bsp_planetary, kernelOptions);
    lsk = await resolveJobKernel(jobDir, "leap_seconds", job.leap_seconds, kernelOptions);
    extraKernels = await Promise.all(job.extra_kernels.map((k, i) => resolveJobKernel(jobDir, `extra_kernels[${i}]`, k, kernelOptions)));
    log.info(`DES_CATALOGS_BASEPATH: [${catalogRoot ?? ""}]`);
    log.info(`BSP_PLANETARY: [${planetary}]`);
    log.info(`LEAP_SECOND: [${lsk}]`);
    log.info(`DES_START_PERIOD: [${job.period[0]}]`);
    log.info(`DES_FINISH_PERIOD: [${job.period[1]}]`);
    log.info(`OBSERVATORY_LOCATION: [${job.observatory_location.join(", ")}]`);
    log.info(`MATCH_RADIUS: [${job.match_radius}]`);
    if (catalogRoot === undefined) throw new JobFailure("no DES catalogue root: set des_catalog_path in job.json, --catalog-root or $TNO_DES_CATALOG_PATH");

    if (!db) {
      try {
        db = await openDatabase(options.database ?? {});
      } catch (e) {
        throw new JobFailure(`cannot open the database: ${(e as Error).message}`);
      }
    }
    log.info(`Database: [${db.label}]`);
    dbJobRow = (await getOrbitTraceJob(db, job.id).catch(() => undefined)) !== undefined;
    if (dbJobRow) await saveJob("Running");

    const inputs = jobInputsHash(job, catalogRoot);
    const state = new JobState(jobDir, inputs);
    if (state.discarded) log.info(`Previous run state discarded: ${state.discarded}.`);

    // -- retrieve_asteroids
    let t = new Date();
    log.info("Retriving Asteroids started");
    asteroids = await retrieveAsteroids(db, { type: job.filter_type, value: job.filter_value });
    log.info(`Asteroids Count: ${asteroids.length}`);
    log.info(`Retriving Asteroids Finished in ${naturalDelta((Date.now() - t.getTime()) / 1000)}`);
    step("retrieve_asteroids", t);
    if (asteroids.length === 0) throw new JobFailure(`No asteroid satisfying the criteria ${job.filter_type} and ${job.filter_value}. There is nothing to run.`);
    selected = { asteroids: asteroids.length, ccds: 0 };
    await saveJob("Running");

    // -- retrieve_ccds (period filtered, no duplicates)
    t = new Date();
    log.info("Retriving CCDs started");
    const pending: Pending[] = [];
    const allCcds: CcdInput[] = [];
    for (const [i, a] of asteroids.entries()) {
      const rows = await retrieveCcds(db, a.name, { start: job.period[0], end: job.period[1] });
      const ccds: CcdInput[] = rows.map((r) => ({ id: r.id, dateObsUtc: r.dateObsUtc, exptimeS: r.exptimeS, path: r.path, filename: r.filename }));
      allCcds.push(...ccds);
      const dir = join(asteroidRoot, safeAlias(a));
      log.info(`Asteroid: [${a.name}] CCDs: [${ccds.length}]`);
      log.debug(`Query CCDs: ${i + 1}/${asteroids.length}`);
      const done = state.finished(a.id);
      if (done) {
        outcomes.set(a.id, done);
        resumedAsteroids++;
        continue;
      }
      const p: Pending = { asteroid: a, ccds, dir };
      if (ccds.length === 0) p.outcome = failure(a, dir, [], "Failed during retrieve ccds step because no ccd was found for this asteroid.");
      pending.push(p);
    }
    for (const p of pending) if (p.outcome) outcomes.set(p.asteroid.id, p.outcome);
    writeFileSync(join(jobDir, "ccds.csv"), ccdsCsv(allCcds));
    selected = { asteroids: asteroids.length, ccds: allCcds.length };
    log.info(`CCDs Count: ${allCcds.length}`);
    if (resumedAsteroids) log.info(`Resuming: ${resumedAsteroids} asteroid(s) already finished by a previous run are kept.`);
    log.info(`Retriving CCDs Finished in ${naturalDelta((Date.now() - t.getTime()) / 1000)}. Asteroids Success [${pending.filter((p) => !p.outcome).length + resumedAsteroids}] Failed [${pending.filter((p) => p.outcome).length}]`);
    step("retrieve_ccds", t, successFailed());
    await saveJob("Running");

    // -- retrieve_bsp
    t = new Date();
    const span = bspSpan(job.period[0], job.period[1]);
    for (const [i, p] of pending.entries()) {
      if (p.outcome) continue;
      if (options.signal?.aborted) break;
      try {
        p.spkPath = await resolveSpk(p, job, span, options, log);
        p.spkid = smallBodyIdOfSpk(p.spkPath);
      } catch (e) {
        if (options.signal?.aborted) break;
        const message = (e as Error).message;
        p.outcome = failure(p.asteroid, p.dir, p.ccds, `Failed during retrieve bsp from jpl step. ${message}`);
        outcomes.set(p.asteroid.id, p.outcome);
        log.warning(`Asteroid [${p.asteroid.name}] ${p.outcome.error}`);
      }
      log.debug(`BSPs JPL: ${i + 1}/${pending.length}`);
    }
    const runnable = pending.filter((p) => !p.outcome && p.spkPath);
    log.info(`Retriving BSP JPL Finished ${naturalDelta((Date.now() - t.getTime()) / 1000)}. Asteroids Success [${runnable.length + resumedAsteroids}] Failed [${counts().count_failures}]`);
    step("retrieve_bsp", t, successFailed());
    await saveJob("Running");
    if (options.signal?.aborted) throw abortError(options.signal);

    // -- theoretical + observed positions and ingest, asteroid by asteroid as they finish
    const baseKernels = [lsk, planetary, ...extraKernels];
    if (!extraKernels.some(orientsEarth)) baseKernels.push(builtinEarthPckPath());
    const chunk = Math.max(1, options.ccdsPerTask ?? DEFAULT_CCDS_PER_TASK);
    const taskList: Array<Task<TraceTaskPayload>> = [];
    const owner: Pending[] = [];
    const partsLeft = new Map<number, number>();
    for (const p of runnable) {
      for (let i = 0; i < p.ccds.length; i += chunk) {
        taskList.push({
          kind: TRACE_TASK,
          payload: { baseKernels, asteroid: { id: p.asteroid.id, name: p.asteroid.name }, spkPath: p.spkPath!, ccds: p.ccds.slice(i, i + chunk), observer, matchRadiusArcsec: job.match_radius, catalogRoot },
        });
        owner.push(p);
      }
      partsLeft.set(p.asteroid.id, Math.ceil(p.ccds.length / chunk));
    }
    // -- pool load
    t = new Date();
    if (!executor) {
      const workers = options.workers ?? Math.min(availableParallelism(), Math.max(1, taskList.length));
      executor =
        workers === 0
          ? new InProcessExecutor({ tasks: traceTasks, kernels: baseKernels })
          : new LocalWorkerPool({ taskModules: [new URL("./tasks.js", import.meta.url)], kernels: baseKernels, size: workers });
    }
    log.info(`Worker Pool Load finished in ${naturalDelta((Date.now() - t.getTime()) / 1000)}. Executor [${executor.name}]`);
    step("pool_load", t);

    t = new Date();
    log.info("Theoretical positions, observed positions and ingest started");

    const parts = new Map<number, Array<{ index: number; result: TaskResult<TraceResult> }>>();
    const taskSeconds = { theoretical: 0, observed: 0, ingest: 0 };
    let ingestChain: Promise<void> = Promise.resolve();
    let fatal: Error | undefined;
    const abortTasks = new AbortController();
    const onAbort = () => abortTasks.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort);
    const totalCcds = runnable.reduce((a, p) => a + p.ccds.length, 0);
    let ccdsDone = 0;
    let asteroidsDone = 0;
    progress.start(totalCcds, "Orbit Trace CCDs");

    const finishAsteroid = async (p: Pending) => {
      const got = (parts.get(p.asteroid.id) ?? []).sort((a, b) => a.index - b.index);
      parts.delete(p.asteroid.id);
      const failed = got.find((g) => !g.result.ok);
      let outcome: AsteroidOutcome;
      if (failed && !failed.result.ok) {
        const err = failed.result.error;
        outcome = failure(p.asteroid, p.dir, p.ccds, `Failed Compute Theoretical Positions. ${err.message}`, err.stack ?? null, p);
        log.warning(`Asteroid [${p.asteroid.name}] ${outcome.error}`);
      } else {
        const ccds = got.flatMap((g) => (g.result.ok ? g.result.value.ccds : []));
        const observations = got.flatMap((g) => (g.result.ok ? g.result.value.observations : []));
        const verdict = classifyTrace(ccds, observations);
        outcome = {
          ...p.asteroid,
          status: verdict.status,
          path: p.dir,
          bsp_path: p.spkPath ?? null,
          spkid: p.spkid === undefined ? null : String(p.spkid),
          ccds,
          observations,
          observations_count: observations.length,
          ccds_failed: verdict.ccdsFailed,
          error: verdict.error,
          exec_time: got.reduce((a, g) => a + g.result.durationMs / 1000, 0),
          des_obs_file: null,
        };
        if (verdict.status === "failure") log.warning(`Asteroid [${p.asteroid.name}] ${verdict.error}`);
        else if (verdict.ccdsFailed) log.warning(`Asteroid [${p.asteroid.name}] ${verdict.error}`);
      }
      if (outcome.status !== "failure") {
        const ti = Date.now();
        const createdAt = new Date();
        try {
          // Always replace, also with zero rows: stale rows of an earlier run must go.
          const n = await replaceObservations(db!, p.asteroid.id, outcome.observations, createdAt);
          log.debug(`Asteroid [${p.asteroid.name}] Observations Ingested: ${n}`);
        } catch (e) {
          if (!isAsteroidLevelDbError(e)) throw new JobFailure(`database error while writing the observations of ${p.asteroid.name}: ${(e as Error).message}`);
          outcome = { ...outcome, status: "failure", error: `Failed on ingest des observation in database. Error: ${(e as Error).message}` };
          log.warning(`Asteroid [${p.asteroid.name}] ${outcome.error}`);
        }
        taskSeconds.ingest += (Date.now() - ti) / 1000;
        if (outcome.status !== "failure" && outcome.observations.length > 0) {
          mkdirSync(p.dir, { recursive: true });
          const file = join(p.dir, "des_obs.csv");
          writeFileSync(file, desObsCsv(outcome.observations, p.asteroid.id, createdAt));
          writeFileSync(join(p.dir, "des_obs_omc.svg"), omcPlotSvg({ name: p.asteroid.name, observations: outcome.observations, matchRadiusArcsec: job.match_radius }));
          outcome.des_obs_file = file;
        }
      }
      state.record(outcome);
      outcomes.set(p.asteroid.id, outcome);
      asteroidsDone++;
    };

    try {
      await executor.map<TraceResult, TraceTaskPayload>(taskList, {
        signal: abortTasks.signal,
        onProgress: (ev) => {
          const p = owner[ev.index]!;
          if (ev.result.ok) {
            taskSeconds.theoretical += ev.result.value.timing.theoreticalS;
            taskSeconds.observed += ev.result.value.timing.observedS;
          }
          const list = parts.get(p.asteroid.id) ?? [];
          list.push({ index: ev.index, result: ev.result });
          parts.set(p.asteroid.id, list);
          ccdsDone += taskList[ev.index]!.payload.ccds.length;
          const left = partsLeft.get(p.asteroid.id)! - 1;
          partsLeft.set(p.asteroid.id, left);
          if (left === 0) {
            ingestChain = ingestChain.then(async () => {
              if (fatal) return;
              try {
                await finishAsteroid(p);
              } catch (e) {
                fatal = e as Error;
                abortTasks.abort(fatal);
              }
            });
          }
          progress.update(ccdsDone, `asteroids ${asteroidsDone + resumedAsteroids}/${asteroids.length}, observations ${counts().count_observations}`);
        },
      });
    } catch (e) {
      if (!(e instanceof ExecutorAbortError)) throw e;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      await ingestChain;
      progress.update(ccdsDone, `asteroids ${counts().count_asteroids}/${asteroids.length}, observations ${counts().count_observations}`);
      progress.stop();
    }
    if (fatal) throw fatal;
    if (options.signal?.aborted) throw abortError(options.signal);

    const c = counts();
    const sf = successFailed();
    log.info(`Calculating theoretical positions Finished ${naturalDelta((Date.now() - t.getTime()) / 1000)}. Asteroids Success [${sf.ast_success}] Failed [${sf.ast_failed}]`);
    log.info(`Observations Count: ${c.count_observations}`);
    log.info(`Calculating observed positions Finished ${naturalDelta((Date.now() - t.getTime()) / 1000)}. Asteroids Success [${sf.ast_success}] Failed [${sf.ast_failed}]`);
    if (c.count_ccds_failed) log.info(`CCDs that could not be processed: ${c.count_ccds_failed} (reasons in asteroids_success.json / asteroids_failed.json)`);
    log.info(`Observations Ingested: ${c.count_observations}`);
    log.info(`Ingest the observations into the database Finished ${naturalDelta(taskSeconds.ingest)}. Asteroids Success [${sf.ast_success}] Failed [${sf.ast_failed}]`);
    // The three legacy steps ran interleaved: each entry spans the phase; exec_time is the time
    // spent in it, summed over workers.
    step("theoretical_positions", t, sf, taskSeconds.theoretical);
    step("observed_positions", t, sf, taskSeconds.observed);
    step("ingest_observations", t, sf, taskSeconds.ingest);
    await saveJob("Running");

    // -- consolidate
    t = new Date();
    await consolidate(jobDir, job, asteroids, outcomes, db, dbJobRow, log);
    step("consolidate", t);
  } catch (e) {
    const err = e as Error;
    if (options.signal?.aborted && !(e instanceof JobFailure)) {
      status = "Aborted";
      error = `Interrupted (${String(options.signal.reason ?? "abort")}); run the same command again to resume.`;
      log.warning(error);
    } else {
      status = "Failed";
      error = err.message;
      traceback = err.stack ?? null;
      log.error(`${err.stack ?? err.message}`);
      log.error(err.message);
    }
    // Write what finished, so the outputs match the database.
    try {
      writeOutputs(jobDir, job, asteroids, outcomes);
    } catch (we) {
      log.warning(`Could not write the job outputs: ${(we as Error).message}`);
    }
  } finally {
    if (!options.executor && executor) await executor.close().catch(() => {});
    const t1 = new Date();
    const total = (t1.getTime() - t0.getTime()) / 1000;
    const c = counts();
    Object.assign(doc, {
      end: isoUtc(t1),
      exec_time: total,
      h_exec_time: naturalDelta(total),
      avg_exec_time_asteroid: c.count_asteroids ? Math.trunc(total / c.count_asteroids) : 0,
      avg_exec_time_ccd: c.count_ccds ? Math.trunc(total / c.count_ccds) : 0,
    });
    log.info("Update Job status.");
    await saveJob(status);
    if (!options.db && db) await db.close().catch(() => {});
    log.info(`Asteroids Success: [${c.count_success}] No observations: [${c.count_no_observations}] Failure: [${c.count_failures}]`);
    log.info(`Execution Time: ${timedeltaString(total)}`);
    log.info(DONE_LINE);
    log.close();
  }
  const execTimeS = doc.exec_time as number;
  return { status, jobDir, counts: counts(), error, resumedAsteroids, execTimeS };
}

function abortError(signal: AbortSignal): Error {
  const e = new Error(`aborted: ${String(signal.reason ?? "")}`);
  e.name = "AbortError";
  return e;
}

/** Binary PCKs and text kernels that define the Earth's rotation. */
function orientsEarth(path: string): boolean {
  try {
    const bytes = readFileSync(path);
    const kind = kernelKind(bytes);
    return kind === "PCK" || (kind === "TEXT" && bytes.toString("latin1").includes("BODY399_PM"));
  } catch {
    return false;
  }
}

/** Folder name of an asteroid: the legacy alias, or its id when the alias is unusable. */
function safeAlias(a: AsteroidRow): string {
  const alias = asteroidAlias(a.name).replace(/[^A-Za-z0-9.+-]/g, "");
  return alias === "" || /^\.+$/.test(alias) ? `asteroid-${a.id}` : alias;
}

function failure(a: AsteroidRow, dir: string, ccds: readonly CcdInput[], message: string, traceback: string | null = null, p?: Pending): AsteroidOutcome {
  return {
    ...a,
    status: "failure",
    path: dir,
    bsp_path: p?.spkPath ?? null,
    spkid: p?.spkid === undefined ? null : String(p.spkid),
    ccds: ccds.map((c) => untracedCcd(c, c.path)),
    observations: [],
    observations_count: 0,
    ccds_failed: 0,
    error: message,
    traceback,
    exec_time: 0,
    des_obs_file: null,
  };
}

/**
 * The asteroid's SPK: `<asteroid_path>/<alias>/<alias>.bsp`. A file put there by hand (no
 * download metadata beside it) is used as is; otherwise the Horizons cache rules apply
 * (`bsp_days_to_expire`, period coverage, integrity), downloading when needed unless offline.
 */
async function resolveSpk(p: Pending, job: OrbitTraceJob, span: { start: string; end: string }, options: RunOrbitTraceOptions, log: JobLog): Promise<string> {
  const alias = safeAlias(p.asteroid);
  const bsp = join(p.dir, `${alias}.bsp`);
  const meta = join(p.dir, `${alias}.json`);
  if (existsSync(bsp) && !existsSync(meta)) {
    log.debug(`Asteroid [${p.asteroid.name}] BSP given in the asteroid folder will be used: ${bsp}`);
    return bsp;
  }
  mkdirSync(p.dir, { recursive: true });
  const ensured = await ensureHorizonsSpk({
    target: { identifier: p.asteroid.number && !/^[-\s]*$/.test(p.asteroid.number) ? p.asteroid.number : p.asteroid.name },
    alias,
    dir: p.dir,
    span,
    period: { start: job.period[0], end: job.period[1] },
    daysToExpire: job.bsp_days_to_expire,
    source: options.spkSource ?? jobHorizonsSource(job.horizons_url),
    ...(options.offline ? { offline: true } : {}),
  });
  log.info(ensured.reused ? `Asteroid [${p.asteroid.name}] Pre-existing BSP is still valid and will be reused.` : `Asteroid [${p.asteroid.name}] BSP Downloaded (${ensured.meta.solution ?? "solution unknown"}).`);
  return ensured.bspPath;
}

/** Job-level output files from the outcomes (asteroids in the filter's order). */
function writeOutputs(jobDir: string, job: OrbitTraceJob, asteroids: readonly AsteroidRow[], outcomes: Map<number, AsteroidOutcome>): AsteroidOutcome[] {
  const ordered = asteroids.map((a) => outcomes.get(a.id)).filter((o): o is AsteroidOutcome => o !== undefined);
  const success = ordered.filter((o) => o.status !== "failure");
  const failed = ordered.filter((o) => o.status === "failure");
  writeFileSync(join(jobDir, "asteroids_success.json"), safeJson(success));
  writeFileSync(join(jobDir, "asteroids_failed.json"), safeJson(failed));
  writeFileSync(join(jobDir, "orbit_trace_results.csv"), resultsCsv(ordered, job.id));
  return ordered;
}

async function consolidate(jobDir: string, job: OrbitTraceJob, asteroids: readonly AsteroidRow[], outcomes: Map<number, AsteroidOutcome>, db: Database, dbJobRow: boolean, log: JobLog): Promise<void> {
  const t = Date.now();
  log.info("Write Asteroid Data in json started");
  log.info("Write Asteroids with failed status in json");
  log.info("Write Asteroids with success status in json");
  const ordered = writeOutputs(jobDir, job, asteroids, outcomes);
  if (dbJobRow) {
    log.info("Ingest Orbit Trace Job Results in database");
    const n = await replaceOrbitTraceResults(db, job.id, resultRows(ordered));
    log.debug(`Orbit Trace Job Results ingested: ${n}`);
  }
  log.info(`Consolidate Finish in ${naturalDelta((Date.now() - t) / 1000)}`);
}
