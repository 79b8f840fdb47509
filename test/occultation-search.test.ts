// Analytic event-search cases (issue #4 §6): straight path with known geometry, RA 0/360 wrap,
// two stars in one passage, a star between grid points, a stationary point of the path, and the
// celestial pole. The object moves on a known curve in the gnomonic plane of a fixed centre at a
// constant distance, so closest approaches are known in closed form (the gnomonic distortion is
// below 1e-9 relative at these few-arcsecond offsets).
import { test } from "node:test";
import assert from "node:assert/strict";
import { searchOccultations, uncertainties, PredictInputError, type OccultationSource } from "../src/occultation/index.js";
import type { Star } from "../src/catalog/index.js";

const ARCSEC = Math.PI / 180 / 3600;
const DISTANCE_KM = 6.0e8;
/** Instant of an analytic closest approach (s): the refinement converges to 1e-6 s. */
const INSTANT_TOLERANCE_S = 1e-3;
/** C/A of an analytic case (mas). */
const CA_TOLERANCE_MAS = 1e-3;
const PA_TOLERANCE_DEG = 1e-3;
const VELOCITY_TOLERANCE_KM_S = 1e-6;
/** 1″/min at 6e8 km (legacy fixture A: 48.48 km/s). */
const ONE_ARCSEC_PER_MIN = ARCSEC / 60;

type V3 = [number, number, number];

/** A source moving on (x(t), y(t)) (radians, gnomonic, x East, y North) around (ra0, dec0). */
function pathSource(raDeg: number, decDeg: number, path: (t: number) => { x: number; y: number; dx: number; dy: number }): OccultationSource & { unitAt(x: number, y: number): V3 } {
  const a = (raDeg * Math.PI) / 180, d = (decDeg * Math.PI) / 180;
  const c0: V3 = [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
  const e0: V3 = [-Math.sin(a), Math.cos(a), 0];
  const n0: V3 = [-Math.sin(d) * Math.cos(a), -Math.sin(d) * Math.sin(a), Math.cos(d)];
  const w = (x: number, y: number): V3 => [0, 1, 2].map((k) => c0[k]! + x * e0[k]! + y * n0[k]!) as V3;
  const state = (t: number) => {
    const p = path(t);
    const ww = w(p.x, p.y);
    const len = Math.hypot(...ww);
    const u = ww.map((c) => c / len) as V3;
    const wd = [0, 1, 2].map((k) => p.dx * e0[k]! + p.dy * n0[k]!) as V3;
    const proj = u[0] * wd[0] + u[1] * wd[1] + u[2] * wd[2];
    const du = [0, 1, 2].map((k) => (wd[k]! - u[k]! * proj) / len) as V3;
    return { positionKm: u.map((c) => c * DISTANCE_KM) as V3, velocityKmS: du.map((c) => c * DISTANCE_KM) as V3 };
  };
  return {
    states(et) {
      const positionKm = new Float64Array(3 * et.length), velocityKmS = new Float64Array(3 * et.length);
      et.forEach((t, i) => {
        const s = state(t);
        positionKm.set(s.positionKm, 3 * i);
        velocityKmS.set(s.velocityKmS, 3 * i);
      });
      return { positionKm, velocityKmS };
    },
    state,
    unitAt(x, y) {
      const ww = w(x, y);
      const len = Math.hypot(...ww);
      return ww.map((c) => c / len) as V3;
    },
  };
}

function starAt(u: V3, id: string): Star {
  let ra = (Math.atan2(u[1], u[0]) * 180) / Math.PI;
  if (ra < 0) ra += 360;
  return {
    sourceId: id, raDeg: ra, decDeg: (Math.asin(u[2]) * 180) / Math.PI, raErrorMas: 0.1, decErrorMas: 0.1,
    parallaxMas: null, parallaxErrorMas: null, pmraMasPerYr: 0, pmdecMasPerYr: 0, pmraErrorMasPerYr: null, pmdecErrorMasPerYr: null,
    raPmraCorr: null, decPmdecCorr: null, radialVelocityKmS: null, gMag: 15, refEpochYr: 2000, duplicatedSource: null, ruwe: null,
  };
}

const linear = (wx: number, wy: number) => (t: number) => ({ x: wx * t, y: wy * t, dx: wx, dy: wy });

function near(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

/** Position angles compared modulo 360°. */
function nearAngle(actualDeg: number, expectedDeg: number, tol: number, what: string) {
  const d = ((actualDeg - expectedDeg + 540) % 360) - 180;
  assert.ok(Math.abs(d) <= tol, `${what}: ${actualDeg} vs ${expectedDeg} (tolerance ${tol})`);
}

test("straight eastward path: star 0.5″ North at a known instant (legacy fixture A geometry)", () => {
  const src = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  const t0 = 37.25;
  const star = starAt(src.unitAt(ONE_ARCSEC_PER_MIN * t0, 0.5 * ARCSEC), "A");
  const { events } = searchOccultations(src, [star], { startEt: -3 * 3600, endEt: 3 * 3600, stepSeconds: 60 });
  assert.equal(events.length, 1);
  const ev = events[0]!;
  near(ev.etSeconds, t0, INSTANT_TOLERANCE_S, "instant");
  near(ev.closestApproachArcsec * 1000, 500, CA_TOLERANCE_MAS, "C/A mas");
  near(ev.closestApproachKm, DISTANCE_KM * Math.sin(0.5 * ARCSEC), 1e-3, "C/A km");
  nearAngle(ev.positionAngleDeg, 180, PA_TOLERANCE_DEG, "P/A");
  near(ev.velocityKmS, DISTANCE_KM * ONE_ARCSEC_PER_MIN, VELOCITY_TOLERANCE_KM_S, "velocity");
  near(ev.velocityKmS, 48.4814, 1e-4, "velocity vs the legacy fixture's 48.4813");
});

test("westward (retrograde) path gives a negative velocity; north-east motion gives P/A 315° for a star to its right", () => {
  const west = pathSource(100, 10, linear(-ONE_ARCSEC_PER_MIN, 0));
  const [w] = searchOccultations(west, [starAt(west.unitAt(0, -0.5 * ARCSEC), "W")], { startEt: -3600, endEt: 3600 }).events;
  near(w!.velocityKmS, -DISTANCE_KM * ONE_ARCSEC_PER_MIN, VELOCITY_TOLERANCE_KM_S, "retrograde velocity");
  nearAngle(w!.positionAngleDeg, 0, PA_TOLERANCE_DEG, "object North of the star");
  // Motion (+1, +1)″/min; a star 0.8″ to the right of the motion (towards South-East) sees the object to its North-West.
  const ne = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, ONE_ARCSEC_PER_MIN));
  const off = (0.8 * ARCSEC) / Math.SQRT2;
  const [c] = searchOccultations(ne, [starAt(ne.unitAt(off, -off), "C")], { startEt: -3600, endEt: 3600 }).events;
  nearAngle(c!.positionAngleDeg, 315, PA_TOLERANCE_DEG, "P/A");
  near(c!.closestApproachArcsec * 1000, 800, CA_TOLERANCE_MAS, "C/A");
  near(c!.etSeconds, 0, INSTANT_TOLERANCE_S, "instant");
});

test("RA 0/360 wrap: stars on both sides of RA 0 are found with the right geometry", () => {
  const src = pathSource(0, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  const after = starAt(src.unitAt(20 * ARCSEC, 0.5 * ARCSEC), "after");
  const before = starAt(src.unitAt(-30 * ARCSEC, -0.3 * ARCSEC), "before");
  assert.ok(after.raDeg < 1 && before.raDeg > 359, "stars straddle RA 0");
  const { events } = searchOccultations(src, [after, before], { startEt: -3 * 3600, endEt: 3 * 3600 });
  assert.deepEqual(events.map((e) => e.star.sourceId), ["before", "after"]);
  near(events[0]!.etSeconds, -1800, INSTANT_TOLERANCE_S, "instant before the wrap");
  near(events[1]!.etSeconds, 1200, INSTANT_TOLERANCE_S, "instant after the wrap");
  near(events[0]!.closestApproachArcsec * 1000, 300, CA_TOLERANCE_MAS, "C/A before");
  near(events[1]!.closestApproachArcsec * 1000, 500, CA_TOLERANCE_MAS, "C/A after");
  near(events[1]!.velocityKmS, DISTANCE_KM * ONE_ARCSEC_PER_MIN, VELOCITY_TOLERANCE_KM_S, "velocity");
  assert.ok(events[1]!.objectRaDeg < 1, "object RA wrapped to [0, 360)");
});

test("two stars in one passage are both reported (legacy fixture F reported one)", () => {
  const src = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  const north = starAt(src.unitAt(0, 0.5 * ARCSEC), "N");
  const south = starAt(src.unitAt(0.3 * ARCSEC, -0.7 * ARCSEC), "S");
  for (const stars of [[north, south], [south, north]]) {
    const { events } = searchOccultations(src, stars, { startEt: -3600, endEt: 3600 });
    assert.equal(events.length, 2);
    const byId = new Map(events.map((e) => [e.star.sourceId, e]));
    near(byId.get("N")!.closestApproachArcsec * 1000, 500, CA_TOLERANCE_MAS, "N C/A");
    near(byId.get("S")!.closestApproachArcsec * 1000, 700, CA_TOLERANCE_MAS, "S C/A");
    near(byId.get("S")!.etSeconds, 18, INSTANT_TOLERANCE_S, "S instant");
    nearAngle(byId.get("N")!.positionAngleDeg, 180, PA_TOLERANCE_DEG, "N P/A");
    nearAngle(byId.get("S")!.positionAngleDeg, 0, PA_TOLERANCE_DEG, "S P/A");
  }
});

test("a star between two grid samples, outside the radius at both, is found (legacy fixture H lost it)", () => {
  const src = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  const step = 600;
  const star = starAt(src.unitAt(ONE_ARCSEC_PER_MIN * 300, 1.0 * ARCSEC), "mid");
  const result = searchOccultations(src, [star], { startEt: -3600, endEt: 3600, stepSeconds: step });
  // At the samples (t = 0, 600 s) the star is √(5² + 1²) ≈ 5.1″ away, beyond R = 2.19″.
  assert.ok(result.maxSearchRadiusArcsec < 2.2 && result.maxSearchRadiusArcsec > 2.19);
  assert.equal(result.events.length, 1);
  near(result.events[0]!.etSeconds, 300, INSTANT_TOLERANCE_S, "instant");
  near(result.events[0]!.closestApproachArcsec * 1000, 1000, CA_TOLERANCE_MAS, "C/A");
});

test("stationary point (retrograde loop): a star inside the turn has two closest approaches, one outside has one", () => {
  // x = a t² (East), y = b t (North): the RA motion stops and reverses at t = 0.
  const a = (10 * ARCSEC) / 3600 ** 2, b = (0.2 * ARCSEC) / 3600;
  const src = pathSource(250, -20, (t) => ({ x: a * t * t, y: b * t, dx: 2 * a * t, dy: b }));
  const c = 3 * ARCSEC;
  const inside = starAt(src.unitAt(c, 0), "inside");
  const outside = starAt(src.unitAt(-1 * ARCSEC, 0), "outside");
  const { events } = searchOccultations(src, [inside, outside], { startEt: -4 * 3600, endEt: 4 * 3600, stepSeconds: 60 });
  // Inside: d² = (a t² − c)² + b² t², minima at t² = (c − b²/2a)/a, maximum at t = 0 (not an event).
  const t1 = Math.sqrt((c - (b * b) / (2 * a)) / a);
  const d1 = Math.hypot((b * b) / (2 * a), b * t1);
  const ins = events.filter((e) => e.star.sourceId === "inside");
  assert.equal(ins.length, 2, "two closest approaches of the inside star");
  near(ins[0]!.etSeconds, -t1, INSTANT_TOLERANCE_S, "first minimum");
  near(ins[1]!.etSeconds, t1, INSTANT_TOLERANCE_S, "second minimum");
  for (const e of ins) near(e.closestApproachArcsec, d1 / ARCSEC, CA_TOLERANCE_MAS / 1000, "inside C/A");
  assert.ok(ins[0]!.velocityKmS < 0 && ins[1]!.velocityKmS > 0, "westward before the turn, eastward after");
  const out = events.filter((e) => e.star.sourceId === "outside");
  assert.equal(out.length, 1);
  near(out[0]!.etSeconds, 0, INSTANT_TOLERANCE_S, "at the stationary point");
  near(out[0]!.closestApproachArcsec * 1000, 1000, CA_TOLERANCE_MAS, "outside C/A");
  near(Math.abs(out[0]!.velocityKmS), DISTANCE_KM * b, VELOCITY_TOLERANCE_KM_S, "speed = the North motion only");
});

test("near the celestial pole and across RA 0: the search finds exactly the stars a dense brute-force scan finds", () => {
  // A path passing 20″ from the North pole, RA sweeping through all values; stars scattered within 4″ of it.
  const w = ONE_ARCSEC_PER_MIN * 2;
  const src = pathSource(0, 90 - 20 / 3600, linear(w, 0));
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stars: Star[] = [];
  for (let i = 0; i < 300; i++) stars.push(starAt(src.unitAt(w * (rand() * 7000 - 3500), (rand() * 8 - 4) * ARCSEC), `s${i}`));
  const R = 2.19 * ARCSEC;
  const { events } = searchOccultations(src, stars, { startEt: -3600, endEt: 3600, stepSeconds: 60, searchRadiusArcsec: 2.19 });
  const found = new Set(events.map((e) => e.star.sourceId));
  let expected = 0;
  for (const s of stars) {
    const ra = (s.raDeg * Math.PI) / 180, dec = (s.decDeg * Math.PI) / 180;
    const sv: V3 = [Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)];
    let best = Infinity, bestT = 0;
    for (let t = -3600; t <= 3600; t += 1) {
      const p = src.state(t).positionKm;
      const ang = Math.acos(Math.min(1, (p[0] * sv[0] + p[1] * sv[1] + p[2] * sv[2]) / DISTANCE_KM));
      if (ang < best) (best = ang), (bestT = t);
    }
    if (Math.abs(best - R) < 1e-3 * ARCSEC || Math.abs(bestT) > 3598) continue; // too close to call
    if (best <= R) expected++;
    assert.equal(found.has(s.sourceId), best <= R, `${s.sourceId} (RA ${s.raDeg.toFixed(2)}, min ${(best / ARCSEC).toFixed(3)}″)`);
  }
  assert.ok(expected > 100, `enough stars inside the radius (${expected})`);
  const raSpread = events.map((e) => e.objectRaDeg);
  assert.ok(Math.max(...raSpread) - Math.min(...raSpread) > 180, "the events span all right ascensions");
});

test("no stars is a clear error", () => {
  const src = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  assert.throws(() => searchOccultations(src, [], { startEt: 0, endEt: 3600 }), (e: unknown) => e instanceof PredictInputError && /no stars/.test((e as Error).message));
});

test("a high-proper-motion star is searched at its position of the event epoch, not the catalogue's (legacy bug 4)", () => {
  const src = pathSource(100, 10, linear(ONE_ARCSEC_PER_MIN, 0));
  // At J2000 (ET 0) the star is 0.4″ North of the track at t = 600 s; its J1990 catalogue position is 6″ further South.
  const atEvent = starAt(src.unitAt(ONE_ARCSEC_PER_MIN * 600, 0.4 * ARCSEC), "fast");
  const years = 10 + 600 / (365.25 * 86400);
  const catalogue: Star = { ...atEvent, decDeg: atEvent.decDeg - 6 / 3600, pmdecMasPerYr: 6000 / years, refEpochYr: 1990 };
  const { events } = searchOccultations(src, [catalogue], { startEt: -3600, endEt: 3600 });
  assert.equal(events.length, 1);
  near(events[0]!.etSeconds, 600, INSTANT_TOLERANCE_S, "instant");
  near(events[0]!.closestApproachArcsec * 1000, 400, 0.01, "C/A (first-order proper motion over 10 yr)");
  assert.equal(events[0]!.starAtEvent.properMotionApplied, true);
});

test("uncertainties: star and ephemeris 1σ projected across the track (C/A) and along it (instant)", () => {
  // Eastward motion at 20 km/s, 6e8 km: across-track is North (σδ terms), along-track East (σα* terms).
  type Geometry = Parameters<typeof uncertainties>[0];
  const g = (raErrorMas: number, decErrorMas: number): Geometry => ({ starAtEvent: { raErrorMas, decErrorMas } as Geometry["starAtEvent"], xiRateKmS: 20, etaRateKmS: 0, distanceKm: DISTANCE_KM });
  const u = uncertainties(g(3, 4), { raMas: 6, decMas: 8 });
  const kmPerMas = DISTANCE_KM * (ARCSEC / 1000);
  near(u.closestApproachUncertaintyMas!, Math.hypot(4, 8), 1e-12, "C/A σ (mas)");
  near(u.closestApproachUncertaintyKm!, Math.hypot(4, 8) * kmPerMas, 1e-9, "C/A σ (km)");
  near(u.instantUncertaintyS!, (Math.hypot(3, 6) * kmPerMas) / 20, 1e-12, "instant σ (s)");
  const none = uncertainties(g(NaN, NaN), null);
  assert.equal(none.closestApproachUncertaintyKm, null, "unknown star errors give no uncertainty");
});
