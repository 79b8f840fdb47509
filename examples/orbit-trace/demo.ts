/**
 * Orbit Trace demo on a SYNTHETIC DES-like sky (run: `npm run demo`, or
 * `npx tsx examples/orbit-trace/demo.ts [--out <dir>] [--workers <n>]`). No server, no network:
 *
 * 1. Kernels: the JPL DE405 excerpt shipped in examples/orbit-trace/kernels/ (real), a
 *    leap-seconds kernel written from the public IERS table (examples/orbit-trace/time.ts), and
 *    the built-in IAU 2009 Earth rotation constants.
 * 2. SPKs of three real objects, built here from published osculating elements (cited below) by
 *    a Sun + planets N-body propagation on DE405 (examples/orbit-trace/orbit.ts), written as SPK
 *    type 8 with the SPICE writer routines. test/orbit-trace-spk.test.ts says how close they come
 *    to JPL's SPKs.
 * 3. A SYNTHETIC sky: DES-like exposures on nights when each object is well placed from CTIO,
 *    one CCD catalogue per exposure (FITS LDAC, 3000 field stars, DES column set), the object
 *    injected at its true topocentric position plus Gaussian noise of 50 mas per axis (the
 *    per-detection scatter of faint DES sources: anchors.md §A.8). "True" positions are computed
 *    here independently of the pipeline (own UTC→TDB, Earth rotation, light time, integrator
 *    states). A few exposures miss the object (chip gap) and one catalogue file is missing.
 * 4. The portal tables in PGlite (embedded PostgreSQL, in <out>/db), a job.json, and
 *    `runOrbitTraceJob` on a worker pool: the same code as `tno orbit-trace <jobdir>`.
 * 5. The check: recovered O−C = injected noise (per detection and in mean and scatter).
 *
 * Everything synthetic says so: catalogue headers, the SPK segment ids, the DB release column.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrate } from "../../src/db/migrations.js";
import { openDatabase } from "../../src/db/open.js";
import { runOrbitTraceJob, type RunOrbitTraceReport } from "../../src/jobs/orbit-trace/runner.js";
import { builtinEarthPckPath } from "../../src/jobs/orbit-trace/kernels.js";
import { stderrProgress, silentProgress } from "../../src/jobs/orbit-trace/progress.js";
import { SpiceEngine } from "../../src/spice/engine.js";
import {
  barycentricState,
  equinoctialToKepler,
  jdToEt,
  NBodyPropagator,
  siteJ2000Km,
  writeType8Spk,
  type KeplerElements,
  type Orbit,
} from "./orbit.js";
import { buildSky, loadSky, type SkyExposure, type SkyObject } from "./sky.js";
import { leapSecondsKernelText, utcIsoToEt, utcIsoToJd } from "./time.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The DE405 excerpt (JPL DE405 2000–2050, from Debian's casacore-data-jpl-de405; see kernels/README.md). */
export const DE405_PATH = join(HERE, "kernels", "de405_2000-2050_debian-casacore.bsp");

/** CTIO Blanco as in the legacy job.json: WGS84 east longitude, latitude (deg), height (m). */
export const CTIO_LOCATION: [number, number, number] = [289.193583333, -30.16958333, 2202.7];

/** Astrometric noise injected per axis (mas). */
export const NOISE_MAS = 50;
/** Field stars per CCD catalogue. */
export const STARS_PER_CCD = 3000;

/** An object of the demo with its published elements. */
export interface DemoObject extends SkyObject {
  /** NAIF id written in the built SPK (2000000 + number, the older Horizons convention). */
  naifId: number;
  alias: string;
  elements: KeplerElements;
  /** Where the elements come from. */
  source: string;
  /** Integration step and SPK state spacing (days). */
  stepDays: number;
  /** Exposures wanted (2 per night). */
  nights: number;
}

/**
 * Published osculating elements (heliocentric, ecliptic and equinox J2000). The numbers are
 * copied from the cited files; test/orbit-trace-spk.test.ts re-reads those files to check them.
 */
export const DEMO_OBJECTS: DemoObject[] = [
  {
    name: "1999 RB216",
    number: "137295",
    dynclass: "KBO>Resonant>2:1",
    baseDynclass: "KBO",
    mag: 22.4,
    naifId: 2137295,
    alias: "1999RB216",
    // AstDyS-2 OEF2.0 equinoctial elements of (137295) 1999 RB216, epoch MJD 54630.645481737 TDT
    // (file 137295.eq0 as downloaded by LIneA on 2018-08-06; ../shared/data/orbits/1999RB216_astdys.eq0).
    elements: equinoctialToKepler({
      aAu: 4.7607878195927341e1,
      h: 0.11883715583266,
      k: 0.267884947451556,
      p: 0.008310917431636,
      q: -0.110841474725448,
      meanLongitudeDeg: 17.7277980686155,
      epochEt: jdToEt(54630.645481737 + 2_400_000.5),
    }),
    source: "AstDyS-2 equinoctial elements, epoch MJD 54630.645481737 TDT",
    stepDays: 8,
    nights: 12,
  },
  {
    name: "Chiron",
    number: "2060",
    dynclass: "Centaur",
    baseDynclass: "Centaur",
    mag: 18.6,
    naifId: 2002060,
    alias: "Chiron",
    // JPL Horizons, 2060 Chiron, solution JPL#152 (2023-Aug-24), IAU76/J2000 heliocentric ecliptic
    // osculating elements at EPOCH 2460188.5 TDB (header of the Horizons SPK answer of 2023-09-20:
    // ../shared/data/spk_smallbody/chiron_20002060_jpl152_horizons_api_response_base64.txt).
    elements: { aAu: 13.71302662009106, e: 0.3763536766856216, iDeg: 6.91670262047946, nodeDeg: 209.3080317470092, periDeg: 339.3641100580242, meanAnomalyDeg: 196.6992889854017, epochEt: jdToEt(2_460_188.5) },
    source: "JPL Horizons JPL#152 osculating elements, epoch JD 2460188.5 TDB",
    stepDays: 4,
    nights: 12,
  },
  {
    name: "Ceres",
    number: "1",
    dynclass: "MB>Middle",
    baseDynclass: "MB",
    // Ceres (V ≈ 7–9) would saturate DECam; it is injected at 18.5 mag as a fast, near (2–3 au) mover.
    mag: 18.5,
    naifId: 2000001,
    alias: "Ceres",
    // JPL Horizons, 1 Ceres, solution JPL#48 (2021-Apr-13), osculating elements at EPOCH
    // 2458849.5 TDB (astroquery test output of 2022-06-10: ../shared/data/horizons/astroquery_ceres/ceres_elements_single.txt).
    elements: { aAu: 2.769289292143484, e: 0.07687465013145245, iDeg: 10.59127767086216, nodeDeg: 80.3011901917491, periDeg: 73.80896808746482, meanAnomalyDeg: 130.3159688200986, epochEt: jdToEt(2_458_849.5) },
    source: "JPL Horizons JPL#48 osculating elements, epoch JD 2458849.5 TDB",
    stepDays: 1,
    nights: 10,
  },
];

/** Span of the built SPKs and of the DES-like survey (DES wide: 2013-08-31 .. 2019-01-09). */
export const SPK_SPAN_JD: [number, number] = [2_456_200.5, 2_458_550.5];

/** Builds every demo SPK into `<dir>/<alias>/<alias>.bsp`; returns the orbits (for the truth). */
export function buildDemoSpks(engine: SpiceEngine, dir: string, objects: readonly DemoObject[] = DEMO_OBJECTS): { propagator: NBodyPropagator; orbits: Orbit[]; files: string[] } {
  const propagator = new NBodyPropagator(engine);
  const orbits: Orbit[] = [];
  const files: string[] = [];
  for (const o of objects) {
    const orbit = propagator.integrate(barycentricState(engine, o.elements), o.elements.epochEt, jdToEt(SPK_SPAN_JD[0]), jdToEt(SPK_SPAN_JD[1]), o.stepDays * 86_400);
    const file = join(dir, o.alias, `${o.alias}.bsp`);
    mkdirSync(dirname(file), { recursive: true });
    writeType8Spk(engine, orbit, file, { body: o.naifId, segmentId: `SYNTHETIC DEMO ${o.alias} N-body`, internalName: `@tno/astrometry demo: ${o.source}`.slice(0, 60) });
    orbits.push(orbit);
    files.push(file);
  }
  return { propagator, orbits, files };
}

const DEG = Math.PI / 180;

/** WGS84 geodetic → body-fixed km (written here, not taken from the library under test). */
function geodeticToItrfKm([lonDeg, latDeg, hM]: readonly [number, number, number]): [number, number, number] {
  const a = 6378.137, f = 1 / 298.257223563, e2 = f * (2 - f);
  const lat = latDeg * DEG, lon = lonDeg * DEG;
  const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  const h = hM / 1000;
  return [(n + h) * Math.cos(lat) * Math.cos(lon), (n + h) * Math.cos(lat) * Math.sin(lon), (n * (1 - e2) + h) * Math.sin(lat)];
}

/**
 * "True" topocentric astrometric RA/Dec of a demo object seen from CTIO at a UTC instant + `dtS`:
 * observer = Earth (DE405) + site (own Earth-rotation model), target from the integrator at the
 * light-time-corrected epoch. Independent of the pipeline's time, Earth-frame and SPK code.
 */
export function truthFactory(engine: SpiceEngine, propagator: NBodyPropagator, orbits: readonly Orbit[], location = CTIO_LOCATION) {
  const itrf = geodeticToItrfKm(location);
  return (objectIndex: number, utcIso: string, dtS: number) => {
    const et = utcIsoToEt(utcIso) + dtS;
    const site = siteJ2000Km(itrf, utcIsoToJd(utcIso) + dtS / 86_400, et);
    const earth = engine.raw.spkssb(399, et, "J2000") as unknown as number[];
    const obs = [earth[0]! + site[0], earth[1]! + site[1], earth[2]! + site[2]];
    let lt = 0;
    let d = [0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const s = propagator.stateAt(orbits[objectIndex]!, et - lt);
      d = [s[0] - obs[0]!, s[1] - obs[1]!, s[2] - obs[2]!];
      lt = Math.hypot(d[0]!, d[1]!, d[2]!) / 299_792.458;
    }
    const ra = (Math.atan2(d[1]!, d[0]!) / DEG + 360) % 360;
    return { raDeg: ra, decDeg: Math.atan2(d[2]!, Math.hypot(d[0]!, d[1]!)) / DEG, distanceKm: Math.hypot(d[0]!, d[1]!, d[2]!), siteKm: site };
  };
}

/** Altitude (deg) of a direction seen from a site (geocentric vertical: fine for scheduling). */
function altitudeDeg(site: readonly number[], dir: readonly number[]): number {
  const s = Math.hypot(site[0]!, site[1]!, site[2]!), d = Math.hypot(dir[0]!, dir[1]!, dir[2]!);
  return Math.asin((site[0]! * dir[0]! + site[1]! * dir[1]! + site[2]! * dir[2]!) / (s * d)) / DEG;
}

/**
 * DES-like exposures: nights of the DES seasons (mid-August to mid-February, 2013–2018) when the
 * object culminates above 40° in astronomical darkness, spread over the seasons; two 90 s
 * exposures (r, then i 3 minutes later) at the best hour of each night.
 */
export function demoExposures(engine: SpiceEngine, propagator: NBodyPropagator, orbits: readonly Orbit[], objects: readonly DemoObject[] = DEMO_OBJECTS): SkyExposure[] {
  const itrf = geodeticToItrfKm(CTIO_LOCATION);
  const exposures: SkyExposure[] = [];
  let expnum = 229_000;
  objects.forEach((o, index) => {
    const nights: string[] = [];
    for (let year = 2013; year <= 2018; year++) {
      for (let day = 0; day < 185; day += 6) {
        const date = new Date(Date.UTC(year, 7, 15) + day * 86_400_000);
        let best: { alt: number; iso: string } | undefined;
        for (let q = 2; q <= 40; q++) {
          const iso = new Date(date.getTime() + q * 15 * 60_000).toISOString().slice(0, 19);
          const et = utcIsoToEt(iso);
          const site = siteJ2000Km(itrf, utcIsoToJd(iso), et);
          const earth = engine.raw.spkssb(399, et, "J2000") as unknown as number[];
          const sun = engine.raw.spkssb(10, et, "J2000") as unknown as number[];
          const s = propagator.stateAt(orbits[index]!, et);
          const obs = [earth[0]! + site[0], earth[1]! + site[1], earth[2]! + site[2]];
          if (altitudeDeg(site, [sun[0]! - obs[0]!, sun[1]! - obs[1]!, sun[2]! - obs[2]!]) > -18) continue;
          const alt = altitudeDeg(site, [s[0] - obs[0]!, s[1] - obs[1]!, s[2] - obs[2]!]);
          if (alt > 40 && (!best || alt > best.alt)) best = { alt, iso };
        }
        if (best) nights.push(best.iso);
      }
    }
    const pick = Array.from({ length: Math.min(o.nights, nights.length) }, (_, k) => nights[Math.floor(((k + 0.5) * nights.length) / o.nights)]!);
    pick.forEach((iso, k) => {
      for (const [j, band] of (["r", "i"] as const).entries()) {
        // DES DATE-OBS carries microseconds; give each exposure its own.
        const start = new Date(Date.parse(`${iso}Z`) + j * 180_000).toISOString().slice(0, 19) + `.${String((expnum * 7919) % 1_000_000).padStart(6, "0")}`;
        exposures.push({
          expnum: expnum++,
          dateObsUtc: start,
          exptimeS: 90,
          band,
          object: index,
          midEtSeconds: utcIsoToEt(start) + (90 + 1.05) / 2,
          // One exposure per object loses the object in a chip gap: "Could not find a position."
          ...(k === 3 && j === 1 ? { detected: false } : {}),
        });
      }
    });
  });
  return exposures;
}

/** Per-object recovered-vs-injected statistics (mas). */
export interface DemoObjectStats {
  name: string;
  detections: number;
  /** Mean and standard deviation of the recovered O−C (what the pipeline measured). */
  recovered: { meanRa: number; meanDec: number; sdRa: number; sdDec: number };
  /** Mean and standard deviation of the injected offsets. */
  injected: { meanRa: number; meanDec: number; sdRa: number; sdDec: number };
  /** Largest |recovered − injected| over the detections, per axis. */
  maxResidual: number;
}

export interface DemoResult {
  outDir: string;
  jobDir: string;
  report: RunOrbitTraceReport;
  stats: DemoObjectStats[];
  /** CCDs listed (SkyBoT) and catalogues written. */
  ccds: number;
  sources: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));

/** Builds everything in `outDir` (emptied first) and runs the job. */
export async function runDemo(options: { outDir: string; workers?: number; quiet?: boolean; objects?: readonly DemoObject[] }): Promise<DemoResult> {
  const say = (s: string) => options.quiet || process.stdout.write(`${s}\n`);
  const objects = options.objects ?? DEMO_OBJECTS;
  const outDir = resolve(options.outDir);
  rmSync(outDir, { recursive: true, force: true });
  const jobDir = join(outDir, "job");
  const kernelDir = join(outDir, "kernels");
  mkdirSync(jobDir, { recursive: true });
  mkdirSync(kernelDir, { recursive: true });

  say("SYNTHETIC DES-like sky; real DE405, real published orbital elements. Nothing below is DES data.");
  const lsk = join(kernelDir, "leapseconds_iers.tls");
  writeFileSync(lsk, leapSecondsKernelText());
  const planetary = join(kernelDir, "de405_2000-2050_debian-casacore.bsp");
  if (!existsSync(DE405_PATH)) throw new Error(`the DE405 excerpt is missing: ${DE405_PATH}`);
  copyFileSync(DE405_PATH, planetary);

  const engine = await SpiceEngine.create();
  try {
    engine.loadKernels([lsk, planetary, builtinEarthPckPath()]);
    let t = Date.now();
    const asteroidDir = join(jobDir, "asteroids");
    const { propagator, orbits } = buildDemoSpks(engine, asteroidDir, objects);
    say(`SPKs built from published elements (Sun + planets on DE405, RK4, SPK type 8) in ${((Date.now() - t) / 1000).toFixed(1)} s:`);
    for (const o of objects) say(`  ${o.name.padEnd(11)} ${relative(outDir, join(asteroidDir, o.alias, `${o.alias}.bsp`))}  (${o.source})`);

    t = Date.now();
    const exposures = demoExposures(engine, propagator, orbits, objects);
    const truthAt = truthFactory(engine, propagator, orbits);
    const byExp = new Map(exposures.map((e) => [e.expnum, e]));
    const sky = buildSky({
      objects,
      exposures,
      // Truth at mid-exposure: DATE-OBS + (exptime + 1.05 s)/2, converted here without SPICE.
      truth: (i, _et, e) => truthAt(i, e.dateObsUtc, (e.exptimeS + 1.05) / 2),
      catalogRoot: join(outDir, "catalogs"),
      starsPerCcd: STARS_PER_CCD,
      noiseMas: NOISE_MAS,
      clearRadiusArcsec: 3,
      seed: 20_130_831,
    });
    // One catalogue missing from the archive: recorded on its CCD, the asteroid goes on.
    const lost = sky.ccds.find((c) => objects[c.object]!.name === "Chiron" && c.injectedOmcArcsec !== null && byExp.get(c.expnum)!.band === "i")!;
    unlinkSync(join(outDir, "catalogs", lost.catalogFile));
    say(`Sky: ${exposures.length} exposures, ${sky.ccds.length} CCD catalogues, ${sky.sources} sources (${STARS_PER_CCD} field stars per CCD, objects with ${NOISE_MAS} mas noise per axis), ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    const db = await openDatabase({ dir: join(outDir, "db") });
    try {
      await migrate(db);
      await loadSky(db, objects, exposures, sky, { duplicateTickets: true });
      say(`PGlite database ${relative(process.cwd(), join(outDir, "db")) || "."} loaded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      writeFileSync(
        join(jobDir, "job.json"),
        JSON.stringify(
          {
            id: 1,
            path: jobDir,
            debug: false,
            status: "Submited",
            bsp_planetary: { name: "de405", filename: "de405_2000-2050_debian-casacore.bsp", absolute_path: planetary },
            leap_seconds: { name: "leapseconds_iers", filename: "leapseconds_iers.tls", absolute_path: lsk },
            period: ["2012-11-01", "2019-02-01"],
            observatory_location: CTIO_LOCATION,
            match_radius: 2,
            bsp_days_to_expire: 60,
            filter_type: "name",
            filter_value: objects.map((o) => o.name).join(";"),
            des_catalog_path: "../catalogs",
            asteroid_path: "asteroids",
            error: null,
            traceback: null,
          },
          null,
          2,
        ),
      );
      say(`Job ${relative(process.cwd(), jobDir) || "."}: tno orbit-trace <jobdir> (same code)`);
      const report = await runOrbitTraceJob({
        jobDir,
        db,
        offline: true,
        progress: options.quiet ? silentProgress : stderrProgress(),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
      });

      const rows = (await db.query<{ name: string; ccd_id: bigint; offset_ra: number; offset_dec: number }>("SELECT name, ccd_id, offset_ra, offset_dec FROM des_observation ORDER BY name, ccd_id")).rows;
      const byCcd = new Map(sky.ccds.map((c) => [c.id, c]));
      const stats: DemoObjectStats[] = objects.map((o) => {
        const mine = rows.filter((r) => r.name === o.name);
        const inj = mine.map((r) => byCcd.get(Number(r.ccd_id))!.injectedOmcArcsec!);
        const mas = (v: number[]) => v.map((x) => x * 1000);
        const [rRa, rDec, iRa, iDec] = [mas(mine.map((r) => r.offset_ra)), mas(mine.map((r) => r.offset_dec)), mas(inj.map((x) => x[0])), mas(inj.map((x) => x[1]))];
        return {
          name: o.name,
          detections: mine.length,
          recovered: { meanRa: mean(rRa), meanDec: mean(rDec), sdRa: sd(rRa), sdDec: sd(rDec) },
          injected: { meanRa: mean(iRa), meanDec: mean(iDec), sdRa: sd(iRa), sdDec: sd(iDec) },
          maxResidual: Math.max(...rRa.map((v, i) => Math.abs(v - iRa[i]!)), ...rDec.map((v, i) => Math.abs(v - iDec[i]!))),
        };
      });
      const c = report.counts;
      say(`\nJob ${report.status}: ${c.count_asteroids} objects, ${c.count_ccds} CCDs, ${c.count_observations} observations, ${c.count_ccds_failed} CCD(s) failed, in ${report.execTimeS.toFixed(1)} s`);
      say(`Outputs: ${relative(process.cwd(), jobDir)}/{job.json, orbit_trace.log, ccds.csv, asteroids_success.json, asteroids_failed.json, orbit_trace_results.csv}, asteroids/<alias>/des_obs.csv`);
      say("\nO−C (mas): recovered by the pipeline vs injected into the synthetic catalogues");
      say("object       n   recovered mean RA/Dec   sd RA/Dec  | injected mean RA/Dec   sd RA/Dec  | max |rec−inj|");
      const f = (v: number) => v.toFixed(1).padStart(7);
      for (const s of stats) {
        say(`${s.name.padEnd(11)} ${String(s.detections).padStart(2)}  ${f(s.recovered.meanRa)} ${f(s.recovered.meanDec)}  ${f(s.recovered.sdRa)} ${f(s.recovered.sdDec)}  | ${f(s.injected.meanRa)} ${f(s.injected.meanDec)}  ${f(s.injected.sdRa)} ${f(s.injected.sdDec)}  | ${f(s.maxResidual)}`);
      }
      return { outDir, jobDir, report, stats, ccds: sky.ccds.length, sources: sky.sources };
    } finally {
      await db.close();
    }
  } finally {
    engine.dispose();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string" }, workers: { type: "string" } } });
  const outDir = values.out ?? join(HERE, "out");
  const r = await runDemo({ outDir, ...(values.workers ? { workers: Number(values.workers) } : {}) });
  process.exitCode = r.report.status === "Completed" ? 0 : 1;
}
