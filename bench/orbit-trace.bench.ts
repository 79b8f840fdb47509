/**
 * Orbit Trace end to end at the legacy example's scale (76 objects, ~2,000 CCDs; the legacy took
 * 11 min 03 s on an HTCondor cluster: anchors.md §A.0). Target (issue #3 §7): < 60 s on 2 cores.
 *
 * Run: `npx tsx bench/orbit-trace.bench.ts [--fresh] [--workers 2] [--database-url <postgres url>] [--sources 5000]`
 *
 * Setup (not timed, cached in bench/out/orbit-trace unless --fresh): 76 SYNTHETIC Centaur-like
 * orbits (random elements, Sun + planets N-body on DE405, SPK type 8), 26 DES-like exposures per
 * object over 2013–2018 = 1,976 CCD catalogues (FITS LDAC, DES column set, `--sources` field
 * stars each), objects injected with 50 mas noise; 13 objects too faint to be detected and
 * 40 % of the other detections missing (the legacy example found 798 observations); the portal
 * tables in PGlite (or PostgreSQL). Timed: `tno orbit-trace <jobdir> --workers 2` in a child
 * process, from spawn to exit (process start, kernels, DB, all steps, outputs); baseline: the same
 * job with `--workers 1`, run next in the same script on a fresh database and job state.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DE405_PATH } from "../examples/orbit-trace/demo.js";
import { barycentricState, jdToEt, NBodyPropagator, writeType8Spk, type KeplerElements } from "../examples/orbit-trace/orbit.js";
import { buildSky, loadSky, rng, type SkyExposure, type SkyObject } from "../examples/orbit-trace/sky.js";
import { leapSecondsKernelText } from "../examples/orbit-trace/time.js";
import { migrate } from "../src/db/migrations.js";
import { openDatabase } from "../src/db/open.js";
import { computeEphemeris } from "../src/ephemeris/compute.js";
import { builtinEarthPckPath } from "../src/jobs/orbit-trace/kernels.js";
import { SpiceEngine } from "../src/spice/engine.js";
import { desMidExposure } from "../src/time/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { fresh: { type: "boolean" }, workers: { type: "string" }, "database-url": { type: "string" }, sources: { type: "string" } } });
const OBJECTS = 76;
const EXPOSURES_PER_OBJECT = 26;
const FAINT_OBJECTS = 13;
const DETECTION_RATE = 0.6;
const SOURCES = Number(values.sources ?? 5000);
const WORKERS = Number(values.workers ?? 2);
const OUT = join(ROOT, "bench", "out", "orbit-trace");
const params = { OBJECTS, EXPOSURES_PER_OBJECT, FAINT_OBJECTS, DETECTION_RATE, SOURCES, version: 1 };
const CTIO = { kind: "geodetic" as const, lonDeg: 289.193583333, latDeg: -30.16958333, heightM: 2202.7 };

const manifest = join(OUT, "manifest.json");
const cached = existsSync(manifest) && readFileSync(manifest, "utf8") === JSON.stringify(params) && !values.fresh;
const kernels = join(OUT, "kernels");
const lsk = join(kernels, "leapseconds_iers.tls");
const planetary = DE405_PATH;
const jobDir = join(OUT, "job");
const catalogs = join(OUT, "catalogs");

const objects: Array<SkyObject & { naifId: number; alias: string; elements: KeplerElements }> = [];
const r = rng(76);
for (let k = 0; k < OBJECTS; k++) {
  // Centaur-like: a 6–30 au, e 0.05–0.5, i 1–30°, random angles, osculating at 2015-01-01 TDB.
  const elements: KeplerElements = {
    aAu: 6 + 24 * r.uniform(),
    e: 0.05 + 0.45 * r.uniform(),
    iDeg: 1 + 29 * r.uniform(),
    nodeDeg: 360 * r.uniform(),
    periDeg: 360 * r.uniform(),
    meanAnomalyDeg: 360 * r.uniform(),
    epochEt: jdToEt(2_457_023.5),
  };
  const name = `Synthetic Centaur ${String(k + 1).padStart(3, "0")}`;
  objects.push({ name, number: null, dynclass: "Centaur", baseDynclass: "Centaur", mag: k < FAINT_OBJECTS ? 24.8 : 20 + 3 * r.uniform(), detected: k >= FAINT_OBJECTS, naifId: 3_000_001 + k, alias: name.replaceAll(" ", ""), elements });
}

const t0 = Date.now();
const engine = await SpiceEngine.create();
mkdirSync(kernels, { recursive: true });
writeFileSync(lsk, leapSecondsKernelText());
engine.loadKernels([lsk, planetary, builtinEarthPckPath()]);
const asteroidDir = join(jobDir, "asteroids");
const exposures: SkyExposure[] = [];
let expnum = 300_000;
objects.forEach((o, index) => {
  for (let j = 0; j < EXPOSURES_PER_OBJECT; j++) {
    const year = 2013 + Math.floor((j * 6) / EXPOSURES_PER_OBJECT);
    const day = Math.floor(r.uniform() * 180);
    const start = new Date(Date.UTC(year, 7, 20) + day * 86_400_000 + (1 + 7 * r.uniform()) * 3_600_000).toISOString().slice(0, 23) + "417";
    exposures.push({ expnum: expnum++, dateObsUtc: start, exptimeS: 90, band: (["g", "r", "i", "z"] as const)[j % 4]!, object: index, midEtSeconds: desMidExposure(engine, start, 90).etSeconds, ...(r.uniform() > DETECTION_RATE ? { detected: false } : {}) });
  }
});

if (!cached) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(kernels, { recursive: true });
  writeFileSync(lsk, leapSecondsKernelText());
  const propagator = new NBodyPropagator(engine);
  for (const o of objects) {
    const orbit = propagator.integrate(barycentricState(engine, o.elements), o.elements.epochEt, jdToEt(2_456_200.5), jdToEt(2_458_550.5), 8 * 86_400);
    mkdirSync(join(asteroidDir, o.alias), { recursive: true });
    writeType8Spk(engine, orbit, join(asteroidDir, o.alias, `${o.alias}.bsp`), { body: o.naifId, segmentId: `SYNTHETIC BENCH ${o.alias}` });
  }
  console.log(`SPKs: ${OBJECTS} synthetic orbits built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const truth = (i: number, et: number) => {
  const o = objects[i]!;
  engine.loadKernel(join(asteroidDir, o.alias, `${o.alias}.bsp`), { slot: "truth" });
  const e = computeEphemeris(engine, { targetId: o.naifId, etSeconds: [et], observer: CTIO });
  return { raDeg: e.raDeg[0]!, decDeg: e.decDeg[0]! };
};
const t1 = Date.now();
const sky = cached
  ? (JSON.parse(readFileSync(join(OUT, "sky.json"), "utf8")) as ReturnType<typeof buildSky>)
  : buildSky({ objects, exposures, truth, catalogRoot: catalogs, starsPerCcd: SOURCES, noiseMas: 50, clearRadiusArcsec: 3, seed: 2022, columns: "des-like" });
if (!cached) {
  writeFileSync(join(OUT, "sky.json"), JSON.stringify(sky));
  writeFileSync(manifest, JSON.stringify(params));
  console.log(`Sky: ${sky.ccds.length} CCD catalogues, ${sky.sources} sources, written in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}
engine.dispose();

type JobResult = { status: string; count_ccds: number; count_observations: number; time_profile: Array<{ step: string; exec_time: number }> };
const engineName = values["database-url"] ? "PostgreSQL" : "PGlite";
const dbDir = join(OUT, "db");

/** One timed run of `tno orbit-trace` with `workers` workers, on a fresh database and job state. */
async function timedRun(workers: number): Promise<{ wallS: number; job: JobResult }> {
  rmSync(dbDir, { recursive: true, force: true });
  for (const f of ["orbit_trace_state.jsonl", "orbit_trace.log", ".orbit_trace.lock"]) rmSync(join(jobDir, f), { force: true });
  const db = await openDatabase(values["database-url"] ? { url: values["database-url"] } : { dir: dbDir });
  if (values["database-url"]) await db.query("DROP TABLE IF EXISTS des_observation, des_orbittracejobresult, des_orbittracejob, des_skybotposition, des_ccd, des_exposure, skybot_position, tno_asteroid, schema_migrations CASCADE");
  await migrate(db);
  await loadSky(db, objects, exposures, sky, { duplicateTickets: true });
  await db.close();
  writeFileSync(
    join(jobDir, "job.json"),
    JSON.stringify({
      id: 1,
      path: jobDir,
      debug: false,
      bsp_planetary: { absolute_path: planetary },
      leap_seconds: { absolute_path: lsk },
      period: ["2012-11-01", "2019-02-01"],
      observatory_location: [289.193583333, -30.16958333, 2202.7],
      match_radius: 2,
      filter_type: "base_dynclass",
      filter_value: "Centaur",
      des_catalog_path: catalogs,
      asteroid_path: "asteroids",
    }),
  );
  console.log(`Timed: tno orbit-trace <jobdir> --workers ${workers} (${engineName}), ${cpus()[0]?.model ?? "cpu"} × ${availableParallelism()}`);
  const start = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "bin", "tno.js"), "orbit-trace", jobDir, ...(values["database-url"] ? ["--database-url", values["database-url"]] : ["--db", dbDir]), "--workers", String(workers), "--offline"], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  const code = await new Promise<number | null>((res) => child.on("exit", res));
  const wallS = (performance.now() - start) / 1000;
  process.stdout.write(stdout);
  const job = JSON.parse(readFileSync(join(jobDir, "job.json"), "utf8")) as JobResult;
  console.log(`exit ${code}, status ${job.status}: wall ${wallS.toFixed(1)} s (target < 60 s) for ${job.count_ccds} CCDs, ${job.count_observations} observations`);
  console.log("| step | s |\n|---|---:|");
  for (const s of job.time_profile) console.log(`| ${s.step} | ${s.exec_time.toFixed(2)} |`);
  return { wallS, job };
}

// Baseline in the same process: the same job with one worker, after the timed configuration.
const ours = await timedRun(WORKERS);
const baseline = await timedRun(1);
if (baseline.job.count_observations !== ours.job.count_observations) throw new Error(`1 worker found ${baseline.job.count_observations} observations, ${WORKERS} workers ${ours.job.count_observations}`);
console.log(`\n| ${engineName} | wall (s) | speed-up (1-worker wall / this wall) |\n|---|---:|---:|`);
console.log(`| ${WORKERS} workers | ${ours.wallS.toFixed(1)} | ${(baseline.wallS / ours.wallS).toFixed(2)} |`);
console.log(`| baseline: 1 worker | ${baseline.wallS.toFixed(1)} | 1 |`);
