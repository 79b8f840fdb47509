/**
 * Predict Occultation cost per object-year at a 60 s step, one core (issue #4 §7: ≤ 5 s).
 * Run: `npx tsx bench/predict.bench.ts`. Results go in bench/RESULTS.md.
 *
 * Object: (10199) Chariklo, NIMA kernel + de438_small (shared data), 2017-01-01 .. 2017-12-31
 * (525,600 epochs). Stars: 10,000 SYNTHETIC stars with G uniform in 12-18, scattered uniformly
 * within ±60″ of the geocentric path (≈ 30,000 stars/deg² over the strip: the Sagittarius
 * field Chariklo crosses), with random proper motions (σ 5 mas/yr) and parallaxes (0-2 mas) at
 * J2016.0; fixed seed. Cases:
 * - ours: `predictOccultations` (grid from SPICE states every 600 s, Hermite to 60 s; zone index,
 *   segment test, SPICE refinement, event columns), the same with SPICE at every 60-s epoch, and parts;
 * - baseline, PRAIA's shape: every star against every epoch (flat cos δ distance) on one day,
 *   scaled to a year (no refinement, no propagation: a lower bound of its cost).
 */
import { cpus } from "node:os";
import type { Star } from "../src/catalog/index.js";
import { computeEphemeris } from "../src/ephemeris/index.js";
import { predictOccultations, searchOccultations, spiceOccultationSource } from "../src/occultation/index.js";
import { SpiceEngine } from "../src/spice/index.js";
import { utcToEt } from "../src/time/index.js";

const DATA = process.env.TNO_DATA_DIR ?? new URL("../../shared/data/", import.meta.url).pathname;
const TARGET = 2010199;
const STAR_COUNT = 10_000;
const STRIP_HALF_WIDTH_ARCSEC = 60;
const STEP_S = 60;

const engine = await SpiceEngine.create();
engine.loadKernels([
  `${DATA}/kernels/naif0012.tls`,
  `${DATA}/spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp`,
  `${DATA}/spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp`,
]);
const startEt = utcToEt(engine, "2017-01-01T00:00:00");
const endEt = utcToEt(engine, "2017-12-31T00:00:00");
const years = (endEt - startEt) / (365.25 * 86400);

// Synthetic star field along the path (positions from an hourly path, jittered across and along it).
let seed = 20170622;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const hours = Math.floor((endEt - startEt) / 3600);
const coarse = computeEphemeris(engine, { targetId: TARGET, etSeconds: Array.from({ length: hours + 1 }, (_, i) => startEt + i * 3600), observer: { kind: "geocenter" } });
const stars: Star[] = [];
for (let i = 0; i < STAR_COUNT; i++) {
  const k = Math.floor(rand() * hours);
  const f = rand();
  const ra = coarse.raDeg[k]! + f * (((coarse.raDeg[k + 1]! - coarse.raDeg[k]! + 540) % 360) - 180);
  const dec = coarse.decDeg[k]! + f * (coarse.decDeg[k + 1]! - coarse.decDeg[k]!);
  const dx = (rand() * 2 - 1) * STRIP_HALF_WIDTH_ARCSEC, dy = (rand() * 2 - 1) * STRIP_HALF_WIDTH_ARCSEC;
  stars.push({
    sourceId: String(6760000000000000000n + BigInt(i)),
    raDeg: (ra + dx / 3600 / Math.cos((dec * Math.PI) / 180) + 360) % 360,
    decDeg: dec + dy / 3600,
    raErrorMas: 0.05, decErrorMas: 0.05, parallaxMas: rand() * 2, parallaxErrorMas: 0.05,
    pmraMasPerYr: 5 * gauss(), pmdecMasPerYr: 5 * gauss(), pmraErrorMasPerYr: 0.05, pmdecErrorMasPerYr: 0.05,
    raPmraCorr: null, decPmdecCorr: null, radialVelocityKmS: null,
    gMag: 12 + 6 * rand(), refEpochYr: 2016.0, duplicatedSource: false, ruwe: 1,
  });
}

const n = Math.floor((endEt - startEt) / STEP_S) + 1;
const grid = Float64Array.from({ length: n }, (_, i) => startEt + i * STEP_S);
// Warm-up outside the timed regions.
computeEphemeris(engine, { targetId: TARGET, etSeconds: grid.subarray(0, 5000), observer: { kind: "geocenter" } });

// First object of a process (cold JIT), then the steady state of a job's later objects.
let t = performance.now();
predictOccultations(engine, { targetId: TARGET, startEt, endEt, stepSeconds: STEP_S, stars, objectDiameterKm: 248 });
const coldS = (performance.now() - t) / 1000;
t = performance.now();
const result = predictOccultations(engine, { targetId: TARGET, startEt, endEt, stepSeconds: STEP_S, stars, objectDiameterKm: 248 });
const totalS = (performance.now() - t) / 1000;

// SPICE at every 60-s epoch instead of Hermite between 600-s nodes: same events, slower.
t = performance.now();
const full = predictOccultations(engine, { targetId: TARGET, startEt, endEt, stepSeconds: STEP_S, stars, objectDiameterKm: 248, gridNodeSeconds: STEP_S });
const fullS = (performance.now() - t) / 1000;
const sameEvents = full.events.length === result.events.length && full.events.every((e, i) => e.star.sourceId === result.events[i]!.star.sourceId && Math.abs(e.etSeconds - result.events[i]!.etSeconds) < 1e-4);

t = performance.now();
computeEphemeris(engine, { targetId: TARGET, etSeconds: grid, observer: { kind: "geocenter" }, abcorr: "LT" });
const ephemS = (performance.now() - t) / 1000;

// The search alone on precomputed states (no SPICE on the grid).
const source = spiceOccultationSource(engine, TARGET);
let states: ReturnType<typeof source.states> | undefined;
const cached = { ...source, states: (et: Float64Array) => (states ??= source.states(et)) };
searchOccultations(cached, stars, { startEt, endEt, stepSeconds: STEP_S, objectDiameterKm: 248 });
t = performance.now();
const searchOnly = searchOccultations(cached, stars, { startEt, endEt, stepSeconds: STEP_S, objectDiameterKm: 248 });
const searchS = (performance.now() - t) / 1000;

// Baseline: all stars × all epochs of one day, flat cos δ distance (PRAIA's loop), scaled.
const dayN = 1440;
const eph = computeEphemeris(engine, { targetId: TARGET, etSeconds: grid.subarray(0, dayN), observer: { kind: "geocenter" } });
const starRa = Float64Array.from(stars, (s) => s.raDeg), starDec = Float64Array.from(stars, (s) => s.decDeg);
const starCos = Float64Array.from(stars, (s) => Math.cos((s.decDeg * Math.PI) / 180));
const r2 = (0.6 / 3600) ** 2;
let inside = 0;
t = performance.now();
for (let i = 0; i < dayN; i++) {
  const a = eph.raDeg[i]!, d = eph.decDeg[i]!;
  for (let k = 0; k < STAR_COUNT; k++) {
    const dx = (a - starRa[k]!) * starCos[k]!, dy = d - starDec[k]!;
    if (dx * dx + dy * dy <= r2) inside++;
  }
}
const baselineDayS = (performance.now() - t) / 1000;
const baselinePerYear = (baselineDayS * (n / dayN)) / years + ephemS / years;

const perYear = (s: number) => (s / years).toFixed(2);
console.log(`machine: ${cpus()[0]?.model ?? "?"} x${cpus().length}, node ${process.version}`);
console.log(`epochs ${n} (${years.toFixed(3)} yr), stars ${STAR_COUNT}, events ${result.events.length} (search alone ${searchOnly.events.length}), max radius ${result.maxSearchRadiusArcsec.toFixed(3)}″`);
console.log(`ours, predictOccultations:         ${perYear(totalS)} s per object-year (first object of the process: ${perYear(coldS)} s)`);
console.log(`ours with SPICE at every 60-s epoch: ${perYear(fullS)} s per object-year (same events: ${sameEvents})`);
console.log(`  computeEphemeris alone on the 60-s grid: ${perYear(ephemS)} s`);
console.log(`  search + refinement on precomputed grid states: ${perYear(searchS)} s`);
console.log(`baseline all stars × all epochs:   ${baselinePerYear.toFixed(2)} s per object-year (1 day measured: ${baselineDayS.toFixed(3)} s, ${inside} hits; ephemeris included)`);
engine.dispose();


