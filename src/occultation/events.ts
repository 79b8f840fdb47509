/**
 * Occultation event search: every star that passes within the search radius of the object's
 * path, refined to the geocentric closest approach, with SORA's event geometry.
 */
import { z } from "zod";
import { propagateStar, totalProperMotionMasPerYr, AU_KM, type PropagatedStar, type Star } from "../catalog/gaia.js";
import { computeEphemeris, type Observer } from "../ephemeris/index.js";
import type { SpiceEngine } from "../spice/engine.js";
import { SpiceError, toSpiceError } from "../spice/errors.js";
import { etToUtc } from "../time/index.js";
import { StarZoneIndex, starDirections } from "./star-index.js";
import { formatHoursMinutes, localSolarTimeHours, subObserverLongitudeDeg } from "./shadow.js";

type Vec3 = [number, number, number];

const DEG = Math.PI / 180;
const ARCSEC = DEG / 3600;
const MAS = ARCSEC / 1000;
/** Equatorial radius of the Earth (km, WGS84): the default search radius is this plus the object's radius. */
export const EARTH_EQUATORIAL_RADIUS_KM = 6378.137;
/** Default ephemeris step (s), as SORA and the legacy pipeline. */
export const DEFAULT_PREDICT_STEP_S = 60;
/** Velocity to which G* is normalised (km/s), as PRAIA and SORA. */
export const REFERENCE_SHADOW_VELOCITY_KM_S = 20;
/** Root tolerance of the closest-approach instant (s): far below the 0.01 s budget. */
const INSTANT_TOLERANCE_S = 1e-6;
/** Segments per search block (one cone query each). */
const BLOCK_SEGMENTS = 32;
/** Span over which stars are moved once; motion inside it is padded (days). */
const DEFAULT_STAR_CHUNK_DAYS = 10;
/** Stars whose motion inside a chunk exceeds this go to a second index with their own padding. */
const SLOW_STAR_PAD_RAD = 0.1 * ARCSEC;
/** Two minima of the same star closer than this are one event (s). */
const SAME_EVENT_S = 1;

/** A bad request to the event search: no stars, a period outside the kernels, a bad radius. */
export class PredictInputError extends Error {
  override readonly name = "PredictInputError";
}

/**
 * Where the object is. {@link spiceOccultationSource} builds one from SPICE; tests build analytic ones.
 * All vectors J2000/ICRF; positions observer→object, light-time corrected (astrometric).
 */
export interface OccultationSource {
  /**
   * Positions (km) and velocities (km/s), x,y,z per epoch. `maxErrorKm` bounds the error of
   * interpolated positions (the search widens its radius by it).
   */
  states(etSeconds: Float64Array): { positionKm: Float64Array; velocityKmS: Float64Array; maxErrorKm?: number };
  /** One state, for the refinement. */
  state(etSeconds: number): { positionKm: Vec3; velocityKmS: Vec3 };
  /** The observer's barycentric position (km), for stellar parallax. Absent: barycentric star directions. */
  observerSsbPositionKm?(etSeconds: number): Vec3;
}

const searchSchema = z
  .object({
    startEt: z.number().finite(),
    endEt: z.number().finite(),
    stepSeconds: z.number().finite().positive().default(DEFAULT_PREDICT_STEP_S),
    searchRadiusArcsec: z.number().finite().positive().optional(),
    objectDiameterKm: z.number().finite().nonnegative().default(0),
    earthRadiusKm: z.number().finite().nonnegative().default(EARTH_EQUATORIAL_RADIUS_KM),
    marginKm: z.number().finite().nonnegative().default(0),
    magLimit: z.number().finite().optional(),
    starChunkDays: z.number().finite().positive().default(DEFAULT_STAR_CHUNK_DAYS),
  })
  .refine((o) => o.endEt > o.startEt, { message: "endEt must be after startEt", path: ["endEt"] });

/** Options of {@link searchOccultations}. */
export type OccultationSearchOptions = z.input<typeof searchSchema>;

/** The geometry of one event (one star, one closest approach). */
export interface OccultationGeometry {
  /** Index of the star in the input list. */
  starIndex: number;
  star: Star;
  /** The star at the event: proper motion and the observer's parallax applied, errors grown. */
  starAtEvent: PropagatedStar;
  /** Instant of the observer's closest approach to the shadow axis (TDB seconds past J2000). */
  etSeconds: number;
  /** Closest approach: asin(d/Δ) (arcsec) and d (km), d = distance of the observer from the shadow axis. */
  closestApproachArcsec: number;
  closestApproachKm: number;
  /** Position angle of the object relative to the star, from North through East (deg, [0, 360)). */
  positionAngleDeg: number;
  /** Sky-plane speed relative to the star (km/s); negative when the object moves West (retrograde). */
  velocityKmS: number;
  /** Observer–object distance (km, light-time corrected). */
  distanceKm: number;
  /** Object direction at the event. */
  objectRaDeg: number;
  objectDecDeg: number;
  objectUnit: Vec3;
  /** Object offset from the star in the plane through the observer perpendicular to the star (km; ξ East, η North). */
  xiKm: number;
  etaKm: number;
  /** Rates of ξ and η (km/s). */
  xiRateKmS: number;
  etaRateKmS: number;
}

/** The result of {@link searchOccultations}. */
export interface OccultationSearchResult {
  events: OccultationGeometry[];
  /** Grid epochs used. */
  epochCount: number;
  /** Stars searched (after the magnitude limit). */
  starCount: number;
  /** Search radius at the closest geocentric distance (arcsec), for reports. */
  maxSearchRadiusArcsec: number;
}

/**
 * Finds every passage of the object's path within the search radius of each star, and refines
 * each to the closest approach.
 *
 * - The path is sampled at `stepSeconds`; each star is tested against every path *segment*
 *   (the great-circle arc between two samples, in the star's gnomonic plane), padded by the
 *   path's curvature, so a star between two samples is never missed.
 * - Stars are indexed by declination zone and right ascension, moved (proper motion, parallax)
 *   once per `starChunkDays`, with their motion within the chunk added to their radius.
 * - Every star is tested on its own: several stars in one passage are all reported.
 * - The radius is (R⊕ + D/2 + margin)/Δ per epoch, or `searchRadiusArcsec`. An event is kept
 *   when its closest approach is within it.
 * - The instant solves d/dt |r⊥|² = 0 (r⊥ = object position perpendicular to the star) with
 *   Brent's method to 1e-6 s.
 */
export function searchOccultations(source: OccultationSource, stars: readonly Star[], options: OccultationSearchOptions): OccultationSearchResult {
  const opts = searchSchema.parse(options);
  const selected: number[] = [];
  stars.forEach((s, i) => {
    if (opts.magLimit === undefined || (s.gMag !== null && s.gMag <= opts.magLimit)) selected.push(i);
  });
  if (stars.length === 0) throw new PredictInputError("no stars: the star list is empty");
  if (selected.length === 0) throw new PredictInputError(`no stars: none of the ${stars.length} stars is brighter than G = ${opts.magLimit}`);

  const grid = pathGrid(source, opts);
  const hits = collectHits(source, stars, selected, grid.et, grid.unit, grid.rho, grid.bend, opts.starChunkDays * 86400);
  const { et, fixedRadius, reachKm } = grid;
  const events = refineHits(source, stars, hits, et, opts.startEt, opts.endEt, (ev) =>
    fixedRadius !== undefined ? ev.closestApproachArcsec * ARCSEC <= fixedRadius : ev.closestApproachKm <= reachKm,
  );
  events.sort((a, b) => a.etSeconds - b.etSeconds || a.starIndex - b.starIndex);
  return { events, epochCount: et.length, starCount: selected.length, maxSearchRadiusArcsec: grid.maxRho / ARCSEC };
}

/** The sampled path: epochs, unit vectors, radius and curvature pad per epoch. */
interface PathGrid {
  et: Float64Array;
  unit: Float64Array;
  rho: Float64Array;
  bend: Float64Array;
  maxRho: number;
  fixedRadius: number | undefined;
  reachKm: number;
}

function pathGrid(source: OccultationSource, opts: z.output<typeof searchSchema>, extraRad = 0): PathGrid {
  // Grid: start + k·step, and the end itself.
  const step = opts.stepSeconds;
  const n0 = Math.floor((opts.endEt - opts.startEt) / step + 1e-9) + 1;
  const lastOnGrid = opts.startEt + (n0 - 1) * step;
  const n = lastOnGrid < opts.endEt - 1e-6 ? n0 + 1 : n0;
  if (n < 2) throw new PredictInputError("the period must hold at least two ephemeris steps");
  const et = new Float64Array(n);
  for (let k = 0; k < n0; k++) et[k] = opts.startEt + k * step;
  if (n > n0) et[n - 1] = opts.endEt;

  const { positionKm, maxErrorKm = 0 } = source.states(et);
  const unit = new Float64Array(3 * n);
  const rho = new Float64Array(n);
  const fixedRadius = opts.searchRadiusArcsec !== undefined ? opts.searchRadiusArcsec * ARCSEC : undefined;
  const reachKm = opts.earthRadiusKm + opts.objectDiameterKm / 2 + opts.marginKm;
  if (fixedRadius === undefined && reachKm <= 0) throw new PredictInputError("search radius is zero: give the object's diameter, a margin or a search radius in arcsec");
  let maxRho = 0;
  for (let k = 0; k < n; k++) {
    const x = positionKm[3 * k]!, y = positionKm[3 * k + 1]!, zz = positionKm[3 * k + 2]!;
    const r = Math.hypot(x, y, zz);
    if (!(r > 0)) throw new PredictInputError(`no ephemeris at epoch ${k} (ET ${et[k]})`);
    unit[3 * k] = x / r;
    unit[3 * k + 1] = y / r;
    unit[3 * k + 2] = zz / r;
    rho[k] = (fixedRadius ?? Math.asin(Math.min(1, reachKm / r))) + extraRad + (2 * maxErrorKm) / r;
    if (rho[k]! > maxRho) maxRho = rho[k]!;
  }
  // Curvature pad of each segment: the arc leaves its chord by at most |second difference|/8 (×2 for safety).
  const bend = new Float64Array(n);
  for (let k = 1; k < n - 1; k++) {
    const d0 = unit[3 * k + 3]! - 2 * unit[3 * k]! + unit[3 * k - 3]!;
    const d1 = unit[3 * k + 4]! - 2 * unit[3 * k + 1]! + unit[3 * k - 2]!;
    const d2 = unit[3 * k + 5]! - 2 * unit[3 * k + 2]! + unit[3 * k - 1]!;
    bend[k] = Math.hypot(d0, d1, d2) / 4;
  }
  if (n > 2) (bend[0] = bend[1]!), (bend[n - 1] = bend[n - 2]!);
  return { et, unit, rho, bend, maxRho, fixedRadius, reachKm };
}

/**
 * Indices of the stars that come within the search radius (+ `marginArcsec`) of the path
 * sampled at `stepSeconds` (a coarse step is fine: the test is on path segments, padded by the
 * path's curvature and the stars' motion). Used to cut a catalogue down to one object's path.
 */
export function selectStarsNearPath(source: OccultationSource, stars: readonly Star[], options: OccultationSearchOptions & { marginArcsec?: number }): number[] {
  const opts = searchSchema.parse(options);
  const grid = pathGrid(source, opts, (options.marginArcsec ?? 0) * ARCSEC);
  const all = stars.map((_, i) => i);
  const hits = collectHits(source, stars, all, grid.et, grid.unit, grid.rho, grid.bend, opts.starChunkDays * 86400);
  return [...new Set(hits.star)].sort((a, b) => a - b);
}

/** Per star, the grid segments whose arc comes within the padded radius, with the distance. */
interface Hits {
  star: number[];
  segment: number[];
  distanceRad: number[];
  lambda: number[];
}

function collectHits(
  source: OccultationSource,
  stars: readonly Star[],
  selected: readonly number[],
  et: Float64Array,
  unit: Float64Array,
  rho: Float64Array,
  bend: Float64Array,
  chunkSeconds: number,
): Hits {
  const n = et.length;
  const hits: Hits = { star: [], segment: [], distanceRad: [], lambda: [] };
  const m = selected.length;
  const starUnit = new Float64Array(3 * m);
  const pad = new Float64Array(m);
  const plane = new Float64Array(2 * (BLOCK_SEGMENTS + 1));

  let g0 = 0;
  while (g0 < n - 1) {
    // Chunk of segments [g0, g1) whose epochs span at most chunkSeconds.
    let g1 = g0 + 1;
    while (g1 < n - 1 && et[g1 + 1]! - et[g0]! <= chunkSeconds) g1++;
    const tMid = 0.5 * (et[g0]! + et[g1]!);
    const half = 0.5 * (et[g1]! - et[g0]!);
    const observer = source.observerSsbPositionKm?.(tMid);
    let observerDriftAu = 0;
    if (observer && source.observerSsbPositionKm) {
      const a = source.observerSsbPositionKm(et[g0]!), b = source.observerSsbPositionKm(et[g1]!);
      observerDriftAu = (1.05 * Math.max(dist3(a, observer), dist3(b, observer))) / AU_KM;
    }
    const slow: number[] = [], fast: number[] = [];
    for (let j = 0; j < m; j++) {
      const star = stars[selected[j]!]!;
      const p = propagateStar(star, tMid, observer);
      starUnit.set(p.unit, 3 * j);
      const pmRad = (totalProperMotionMasPerYr(star) * MAS * half) / (365.25 * 86400);
      const plxRad = star.parallaxMas !== null && star.parallaxMas > 0 ? star.parallaxMas * MAS * observerDriftAu : 0;
      pad[j] = pmRad + plxRad;
      (pad[j]! <= SLOW_STAR_PAD_RAD ? slow : fast).push(j);
    }
    const groups = [slow, fast]
      .filter((g) => g.length > 0)
      .map((g) => {
        const u = new Float64Array(3 * g.length);
        g.forEach((j, k) => u.set(starUnit.subarray(3 * j, 3 * j + 3), 3 * k));
        let maxPad = 0;
        for (const j of g) maxPad = Math.max(maxPad, pad[j]!);
        return { members: g, index: new StarZoneIndex(starDirections(u)), maxPad };
      });

    for (let b0 = g0; b0 < g1; b0 += BLOCK_SEGMENTS) {
      const b1 = Math.min(g1, b0 + BLOCK_SEGMENTS); // points b0..b1, segments b0..b1-1
      const mid = (b0 + b1) >> 1;
      const c: Vec3 = [unit[3 * mid]!, unit[3 * mid + 1]!, unit[3 * mid + 2]!];
      let minCos = 1, rhoMax = 0, bendMax = 0;
      for (let k = b0; k <= b1; k++) {
        const d = unit[3 * k]! * c[0] + unit[3 * k + 1]! * c[1] + unit[3 * k + 2]! * c[2];
        if (d < minCos) minCos = d;
        if (rho[k]! > rhoMax) rhoMax = rho[k]!;
        if (bend[k]! > bendMax) bendMax = bend[k]!;
      }
      const capRad = Math.acos(Math.max(-1, Math.min(1, minCos)));
      for (const group of groups) {
        group.index.query(c, capRad + rhoMax + bendMax + group.maxPad + 1e-12, (local) => {
          const j = group.members[local]!;
          testSegments(j, selected[j]!, b0, b1);
        });
      }
    }
    g0 = g1;
  }
  return hits;

  /** Gnomonic projection of points b0..b1 on star j's tangent plane, then segment–origin distances. */
  function testSegments(j: number, starIdx: number, b0: number, b1: number): void {
    const sx = starUnit[3 * j]!, sy = starUnit[3 * j + 1]!, sz = starUnit[3 * j + 2]!;
    const [e, nn] = tangentBasis(sx, sy, sz);
    for (let k = b0; k <= b1; k++) {
      const ux = unit[3 * k]!, uy = unit[3 * k + 1]!, uz = unit[3 * k + 2]!;
      const w = ux * sx + uy * sy + uz * sz;
      // Behind the tangent plane: far from the star; mark it so its segments are skipped.
      plane[2 * (k - b0)] = w > 1e-3 ? (ux * e[0] + uy * e[1] + uz * e[2]) / w : NaN;
      plane[2 * (k - b0) + 1] = w > 1e-3 ? (ux * nn[0] + uy * nn[1] + uz * nn[2]) / w : NaN;
    }
    for (let k = b0; k < b1; k++) {
      const ax = plane[2 * (k - b0)]!, ay = plane[2 * (k - b0) + 1]!;
      const bx = plane[2 * (k - b0) + 2]!, by = plane[2 * (k - b0) + 3]!;
      if (Number.isNaN(ax) || Number.isNaN(bx)) continue;
      const dx = bx - ax, dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const lambda = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      const distRad = Math.atan(Math.hypot(ax + lambda * dx, ay + lambda * dy));
      const limit = Math.max(rho[k]!, rho[k + 1]!) + pad[j]! + Math.max(bend[k]!, bend[k + 1]!);
      if (distRad <= limit) {
        hits.star.push(starIdx);
        hits.segment.push(k);
        hits.distanceRad.push(distRad);
        hits.lambda.push(lambda);
      }
    }
  }
}

function refineHits(
  source: OccultationSource,
  stars: readonly Star[],
  hits: Hits,
  et: Float64Array,
  startEt: number,
  endEt: number,
  accept: (ev: OccultationGeometry) => boolean,
): OccultationGeometry[] {
  const order = hits.star.map((_, i) => i);
  order.sort((a, b) => hits.star[a]! - hits.star[b]! || hits.segment[a]! - hits.segment[b]!);
  const events: OccultationGeometry[] = [];
  let i = 0;
  while (i < order.length) {
    // One run: the same star, consecutive segments.
    let j = i + 1;
    while (j < order.length && hits.star[order[j]!] === hits.star[order[i]!] && hits.segment[order[j]!]! <= hits.segment[order[j - 1]!]! + 1) j++;
    const starIdx = hits.star[order[i]!]!;
    const found: OccultationGeometry[] = [];
    for (let k = i; k < j; k++) {
      const h = order[k]!;
      const prev = k > i ? hits.distanceRad[order[k - 1]!]! : Infinity;
      const next = k + 1 < j ? hits.distanceRad[order[k + 1]!]! : Infinity;
      const d = hits.distanceRad[h]!;
      if (!(d <= prev && d < next)) continue;
      const seg = hits.segment[h]!;
      const guess = et[seg]! + hits.lambda[h]! * (et[seg + 1]! - et[seg]!);
      const ev = refineEvent(source, stars[starIdx]!, starIdx, guess, et, seg, startEt, endEt);
      if (ev && accept(ev) && !found.some((f) => Math.abs(f.etSeconds - ev.etSeconds) < SAME_EVENT_S)) found.push(ev);
    }
    events.push(...found);
    i = j;
  }
  return events;
}

/**
 * Closest approach of one star near grid segment `seg`: root of f(t) = r⊥·ṙ⊥ (zero when the
 * observer's distance from the shadow axis is minimal), bracketed by the neighbouring samples.
 * Undefined when the minimum lies outside the period.
 */
function refineEvent(
  source: OccultationSource,
  star: Star,
  starIndex: number,
  guessEt: number,
  et: Float64Array,
  seg: number,
  startEt: number,
  endEt: number,
): OccultationGeometry | undefined {
  const observerAt = (t: number) => source.observerSsbPositionKm?.(t);
  let s = propagateStar(star, guessEt, observerAt(guessEt)).unit;
  const f = (t: number) => {
    const { positionKm: r, velocityKmS: v } = source.state(t);
    const rs = r[0] * s[0] + r[1] * s[1] + r[2] * s[2];
    const vs = v[0] * s[0] + v[1] * s[1] + v[2] * s[2];
    return r[0] * v[0] + r[1] * v[1] + r[2] * v[2] - rs * vs;
  };
  const n = et.length;
  let ia = Math.max(0, seg - 1), ib = Math.min(n - 1, seg + 2);
  let fa = f(et[ia]!), fb = f(et[ib]!);
  for (let grow = 0; fa > 0 && ia > 0 && grow < 8; grow++) fa = f(et[--ia]!);
  for (let grow = 0; fb < 0 && ib < n - 1 && grow < 8; grow++) fb = f(et[++ib]!);
  if (!(fa <= 0 && fb >= 0)) return undefined; // closest approach outside the period
  let t0 = brentRoot(f, et[ia]!, et[ib]!, fa, fb, INSTANT_TOLERANCE_S);
  // The star moves (parallax, proper motion) between the guess and the root: take it at the root.
  const p0 = propagateStar(star, t0, observerAt(t0));
  const moved = Math.hypot(p0.unit[0] - s[0], p0.unit[1] - s[1], p0.unit[2] - s[2]);
  s = p0.unit;
  if (moved > 1e-13) {
    const a = t0 - 1, b = t0 + 1;
    const fa2 = f(a), fb2 = f(b);
    if (fa2 <= 0 && fb2 >= 0) t0 = brentRoot(f, a, b, fa2, fb2, INSTANT_TOLERANCE_S);
  }
  if (t0 < startEt || t0 > endEt) return undefined;
  // A maximum of the distance is not an event (retrograde loops have both).
  const h = 1e-3;
  if (!(f(t0 - h) <= 0 && f(t0 + h) >= 0)) return undefined;
  const starAtEvent = propagateStar(star, t0, observerAt(t0));
  return eventGeometry(source, star, starIndex, starAtEvent, t0);
}

/** SORA's event quantities at instant `t0` for the star direction `starAtEvent.unit`. */
function eventGeometry(source: OccultationSource, star: Star, starIndex: number, starAtEvent: PropagatedStar, t0: number): OccultationGeometry {
  const { positionKm: r, velocityKmS: v } = source.state(t0);
  const [e, nn] = eastNorth(starAtEvent.raDeg * DEG, starAtEvent.decDeg * DEG);
  const xi = dot(r, e), eta = dot(r, nn);
  const xiDot = dot(v, e), etaDot = dot(v, nn);
  const distanceKm = Math.hypot(r[0], r[1], r[2]);
  const caKm = Math.hypot(xi, eta);
  let pa = Math.atan2(xi, eta) / DEG;
  if (pa < 0) pa += 360;
  const speed = Math.hypot(xiDot, etaDot);
  const u: Vec3 = [r[0] / distanceKm, r[1] / distanceKm, r[2] / distanceKm];
  let ra = Math.atan2(u[1], u[0]) / DEG;
  if (ra < 0) ra += 360;
  return {
    starIndex,
    star,
    starAtEvent,
    etSeconds: t0,
    closestApproachArcsec: Math.asin(Math.min(1, caKm / distanceKm)) / ARCSEC,
    closestApproachKm: caKm,
    positionAngleDeg: pa >= 360 ? pa - 360 : pa,
    velocityKmS: xiDot < 0 ? -speed : speed,
    distanceKm,
    objectRaDeg: ra,
    objectDecDeg: Math.asin(Math.max(-1, Math.min(1, u[2]))) / DEG,
    objectUnit: u,
    xiKm: xi,
    etaKm: eta,
    xiRateKmS: xiDot,
    etaRateKmS: etaDot,
  };
}

/** Brent's root finder (zeroin) on [a, b] with f(a)·f(b) ≤ 0. */
export function brentRoot(f: (x: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a, fc = fa, d = b - a, e = d;
  for (let iter = 0; iter < 200; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) (c = a), (fc = fa), (d = b - a), (e = d);
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

/** East and North unit vectors at (α, δ). */
function eastNorth(ra: number, dec: number): [Vec3, Vec3] {
  const sa = Math.sin(ra), ca = Math.cos(ra), sd = Math.sin(dec), cd = Math.cos(dec);
  return [
    [-sa, ca, 0],
    [-sd * ca, -sd * sa, cd],
  ];
}

/** An orthonormal basis of the plane perpendicular to the unit vector s (East/North away from the poles). */
function tangentBasis(sx: number, sy: number, sz: number): [Vec3, Vec3] {
  const h = Math.hypot(sx, sy);
  if (h < 1e-12) return [[0, 1, 0], [-sz, 0, 0]];
  const e: Vec3 = [-sy / h, sx / h, 0];
  return [e, [sy * e[2] - sz * e[1], sz * e[0] - sx * e[2], sx * e[1] - sy * e[0]]];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

function dist3(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

/**
 * Cubic Hermite interpolation between node j and j+1 (positions p, velocities v, x,y,z per node)
 * at fraction s of the interval h; writes position and velocity at index `out` of the outputs.
 */
function hermite(p: Float64Array, v: Float64Array, j: number, s: number, h: number, outP: Float64Array, outV: Float64Array, out: number): void {
  const s2 = s * s, s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
  const d00 = (6 * s2 - 6 * s) / h, d10 = 3 * s2 - 4 * s + 1, d01 = (-6 * s2 + 6 * s) / h, d11 = 3 * s2 - 2 * s;
  for (let k = 0; k < 3; k++) {
    const pa = p[3 * j + k]!, pb = p[3 * j + 3 + k]!, va = v[3 * j + k]!, vb = v[3 * j + 3 + k]!;
    outP[3 * out + k] = h00 * pa + h10 * h * va + h01 * pb + h11 * h * vb;
    outV[3 * out + k] = d00 * pa + d10 * va + d01 * pb + d11 * vb;
  }
}

// ---------------------------------------------------------------------------------------------
// SPICE

/** SPICE states every this many seconds on long grids, Hermite-interpolated in between (see {@link spiceOccultationSource}). */
export const DEFAULT_GRID_NODE_SECONDS = 600;
/** Share of node intervals whose midpoint is checked against SPICE to bound the interpolation error. */
const INTERPOLATION_CHECK_EVERY = 50;

/**
 * An {@link OccultationSource} from the loaded kernels: the object's astrometric position
 * (`LT`, no stellar aberration, as SORA and the legacy pipeline) seen from the geocentre or a site,
 * and the Earth's barycentric position for stellar parallax.
 *
 * The search grid is filled from SPICE states every `gridNodeSeconds` (positions and velocities,
 * cubic Hermite in between: the geocentric path is smooth on hours, the interpolation error is
 * ~1e-9 km for a TNO); midpoints of every 50th node interval are compared with SPICE and the
 * largest difference (×2) widens the search radius. `gridNodeSeconds` ≤ the step gives SPICE at
 * every grid epoch. The refinement always evaluates SPICE.
 */
export function spiceOccultationSource(engine: SpiceEngine, targetId: number, observer: Observer = { kind: "geocenter" }, gridNodeSeconds = DEFAULT_GRID_NODE_SECONDS): OccultationSource {
  const geocentric = observer.kind === "geocenter";
  const spiceStates = (etSeconds: ArrayLike<number>) => computeEphemeris(engine, { targetId, etSeconds, observer, abcorr: "LT" });
  return {
    states(etSeconds) {
      const n = etSeconds.length;
      const step = n > 1 ? etSeconds[1]! - etSeconds[0]! : 0;
      const every = step > 0 ? Math.floor(gridNodeSeconds / step + 1e-9) : 1;
      if (every <= 1 || n < 3 * every) {
        const eph = spiceStates(etSeconds);
        return { positionKm: eph.positionKm, velocityKmS: eph.velocityKmS };
      }
      // Nodes: every `every`-th epoch and the last one.
      const nodeIdx: number[] = [];
      for (let i = 0; i < n - 1; i += every) nodeIdx.push(i);
      nodeIdx.push(n - 1);
      const nodes = spiceStates(nodeIdx.map((i) => etSeconds[i]!));
      const positionKm = new Float64Array(3 * n), velocityKmS = new Float64Array(3 * n);
      for (let j = 0; j + 1 < nodeIdx.length; j++) {
        const ia = nodeIdx[j]!, ib = nodeIdx[j + 1]!;
        const ta = etSeconds[ia]!, h = etSeconds[ib]! - ta;
        for (let i = ia; i < ib; i++) hermite(nodes.positionKm, nodes.velocityKmS, j, (etSeconds[i]! - ta) / h, h, positionKm, velocityKmS, i);
      }
      const last = nodeIdx.length - 1;
      positionKm.set(nodes.positionKm.subarray(3 * last, 3 * last + 3), 3 * (n - 1));
      velocityKmS.set(nodes.velocityKmS.subarray(3 * last, 3 * last + 3), 3 * (n - 1));
      // Bound the interpolation error on a sample of interval midpoints.
      const checkJ: number[] = [];
      for (let j = 0; j + 1 < nodeIdx.length; j += INTERPOLATION_CHECK_EVERY) checkJ.push(j);
      const mids = checkJ.map((j) => 0.5 * (etSeconds[nodeIdx[j]!]! + etSeconds[nodeIdx[j + 1]!]!));
      const truth = spiceStates(mids);
      const p = new Float64Array(3), v = new Float64Array(3);
      let maxErrorKm = 0;
      checkJ.forEach((j, k) => {
        const h = etSeconds[nodeIdx[j + 1]!]! - etSeconds[nodeIdx[j]!]!;
        hermite(nodes.positionKm, nodes.velocityKmS, j, 0.5, h, p, v, 0);
        maxErrorKm = Math.max(maxErrorKm, Math.hypot(p[0]! - truth.positionKm[3 * k]!, p[1]! - truth.positionKm[3 * k + 1]!, p[2]! - truth.positionKm[3 * k + 2]!));
      });
      return { positionKm, velocityKmS, maxErrorKm };
    },
    state(t) {
      if (geocentric) {
        let s: ArrayLike<number>;
        try {
          s = engine.raw.spkez(targetId, t, "J2000", "LT", 399).state;
        } catch (e) {
          throw toSpiceError("spkez", e, { body: targetId, etSeconds: t });
        }
        return { positionKm: [s[0]!, s[1]!, s[2]!], velocityKmS: [s[3]!, s[4]!, s[5]!] };
      }
      const eph = spiceStates([t]);
      const p = eph.positionKm, v = eph.velocityKmS;
      return { positionKm: [p[0]!, p[1]!, p[2]!], velocityKmS: [v[0]!, v[1]!, v[2]!] };
    },
    observerSsbPositionKm(t) {
      try {
        const s = engine.raw.spkssb(399, t, "J2000") as unknown as number[];
        return [s[0]!, s[1]!, s[2]!];
      } catch (e) {
        throw toSpiceError("spkssb", e, { body: 399, etSeconds: t });
      }
    },
  };
}

const predictSchema = z.object({
  targetId: z.number().int(),
  /** Name for hash_id and reports; default the NAIF id. */
  objectName: z.string().min(1).optional(),
  observer: z.custom<Observer>().optional(),
  /** Apparent magnitude of the object (V or G) for the magnitude drop. */
  objectMagnitude: z.number().finite().optional(),
  /** SPICE node spacing of the search grid (s); the step or less = SPICE at every epoch. See {@link spiceOccultationSource}. */
  gridNodeSeconds: z.number().finite().positive().default(DEFAULT_GRID_NODE_SECONDS),
  /** Ephemeris 1σ uncertainty (mas) in α cos δ and δ, constant or per epoch. */
  ephemerisUncertaintyMas: z
    .union([z.object({ raMas: z.number().nonnegative(), decMas: z.number().nonnegative() }), z.custom<(etSeconds: number) => { raMas: number; decMas: number }>((v) => typeof v === "function")])
    .optional(),
});

/** Options of {@link predictOccultations}. */
export type PredictOptions = OccultationSearchOptions & z.input<typeof predictSchema> & { stars: readonly Star[] };

/** One predicted event with every derived quantity. */
export interface OccultationEvent extends OccultationGeometry {
  /** ISO UTC of the closest approach, milliseconds. */
  utc: string;
  /** East longitude where the object is at the zenith (SORA/PRAIA `long`, deg [0, 360)). */
  subPointLongitudeDeg: number;
  /** Local mean solar time there (hours) and as `HH:MM` (SORA `loct`). */
  localSolarTimeHours: number;
  localSolarTime: string;
  /** Star G, and G normalised to 20 km/s: G* = G + 2.5 log10(|v|/20). */
  gMag: number | null;
  gMagNormalized: number | null;
  objectMagnitude: number | null;
  /** 2.5 log10(1 + 10^(0.4 (m_obj − G))). */
  magnitudeDrop: number | null;
  /** Object's angular diameter (mas) and the central duration D/|v| (s), when the diameter is known. */
  apparentDiameterMas: number | null;
  durationS: number | null;
  /** Ephemeris 1σ used (mas). */
  targetRaErrorMas: number | null;
  targetDecErrorMas: number | null;
  /** Star and ephemeris 1σ across the track (C/A) and along it (instant). */
  closestApproachUncertaintyMas: number | null;
  closestApproachUncertaintyKm: number | null;
  instantUncertaintyS: number | null;
  /** Geocentric angles (deg) of the object from the Sun and the Moon, and the Moon's illuminated fraction. */
  sunElongationDeg: number | null;
  moonSeparationDeg: number | null;
  moonIlluminatedFraction: number | null;
}

/** What {@link predictOccultations} returns. */
export interface PredictResult extends Omit<OccultationSearchResult, "events"> {
  events: OccultationEvent[];
  targetId: number;
  objectName: string;
}

/**
 * Predicts the stellar occultations by one object: {@link searchOccultations} on the loaded
 * kernels, then the UTC instant, sub-point longitude and local solar time, G*, magnitude drop,
 * uncertainties and Sun/Moon angles of each event.
 * @throws {@link PredictInputError} for no stars or a period the kernels do not cover.
 */
export function predictOccultations(engine: SpiceEngine, options: PredictOptions): PredictResult {
  const p = predictSchema.parse(options);
  const search = searchSchema.parse(options);
  const name = p.objectName ?? String(p.targetId);
  checkCoverage(engine, p.targetId, search.startEt, search.endEt);
  const source = spiceOccultationSource(engine, p.targetId, p.observer, p.gridNodeSeconds);
  let result: OccultationSearchResult;
  try {
    // Seen from a site, the shadow must reach the site itself: no Earth radius by default.
    const siteDefaults = p.observer && p.observer.kind !== "geocenter" && options.earthRadiusKm === undefined ? { earthRadiusKm: 0 } : {};
    result = searchOccultations(source, options.stars, { ...options, ...siteDefaults });
  } catch (e) {
    if (e instanceof SpiceError && /SPKINSUFFDATA|NOTCOVERED|INSUFF/i.test(e.short)) {
      throw new PredictInputError(`the kernels do not cover object ${p.targetId} over the period (light time included): ${e.message}`);
    }
    throw e;
  }
  const diameter = search.objectDiameterKm > 0 ? search.objectDiameterKm : null;
  const events = result.events.map((g) => enrichEvent(engine, g, p, diameter));
  return { ...result, events, targetId: p.targetId, objectName: name };
}

function enrichEvent(engine: SpiceEngine, g: OccultationGeometry, p: z.output<typeof predictSchema>, diameterKm: number | null): OccultationEvent {
  const t0 = g.etSeconds;
  const lon = subObserverLongitudeDeg(engine, t0, g.objectUnit);
  const lst = localSolarTimeHours(engine, t0, lon);
  const speed = Math.abs(g.velocityKmS);
  const gMag = g.star.gMag;
  const gNorm = gMag !== null && speed > 0 ? gMag + 2.5 * Math.log10(speed / REFERENCE_SHADOW_VELOCITY_KM_S) : null;
  const mObj = p.objectMagnitude ?? null;
  const drop = mObj !== null && gMag !== null ? 2.5 * Math.log10(1 + 10 ** (0.4 * (mObj - gMag))) : null;
  const eph = typeof p.ephemerisUncertaintyMas === "function" ? p.ephemerisUncertaintyMas(t0) : (p.ephemerisUncertaintyMas ?? null);
  const unc = uncertainties(g, eph);
  const angles = sunMoonAngles(engine, t0, g.objectUnit);
  return {
    ...g,
    utc: etToUtc(engine, t0, 3),
    subPointLongitudeDeg: lon,
    localSolarTimeHours: lst,
    localSolarTime: formatHoursMinutes(lst),
    gMag,
    gMagNormalized: gNorm,
    objectMagnitude: mObj,
    magnitudeDrop: drop,
    apparentDiameterMas: diameterKm !== null ? (2 * Math.atan(diameterKm / 2 / g.distanceKm)) / MAS : null,
    durationS: diameterKm !== null && speed > 0 ? diameterKm / speed : null,
    targetRaErrorMas: eph?.raMas ?? null,
    targetDecErrorMas: eph?.decMas ?? null,
    ...unc,
    ...angles,
  };
}

/**
 * Star and ephemeris 1σ projected across the track (C/A) and along it (instant = along/|v|).
 * Unknown star errors count as unknown (null), an unknown ephemeris error as 0.
 */
export function uncertainties(
  g: Pick<OccultationGeometry, "starAtEvent" | "xiRateKmS" | "etaRateKmS" | "distanceKm">,
  ephemerisMas: { raMas: number; decMas: number } | null,
): { closestApproachUncertaintyMas: number | null; closestApproachUncertaintyKm: number | null; instantUncertaintyS: number | null } {
  const sRa = g.starAtEvent.raErrorMas, sDec = g.starAtEvent.decErrorMas;
  const speed = Math.hypot(g.xiRateKmS, g.etaRateKmS);
  if (!Number.isFinite(sRa) || !Number.isFinite(sDec) || !(speed > 0)) {
    return { closestApproachUncertaintyMas: null, closestApproachUncertaintyKm: null, instantUncertaintyS: null };
  }
  const mx = g.xiRateKmS / speed, my = g.etaRateKmS / speed; // along-track unit
  const cx = -my, cy = mx; // across-track unit
  const terms = [[sRa, sDec], ...(ephemerisMas ? [[ephemerisMas.raMas, ephemerisMas.decMas]] : [])] as Array<[number, number]>;
  let across2 = 0, along2 = 0;
  for (const [a, d] of terms) {
    across2 += (a * cx) ** 2 + (d * cy) ** 2;
    along2 += (a * mx) ** 2 + (d * my) ** 2;
  }
  const kmPerMas = g.distanceKm * MAS;
  return {
    closestApproachUncertaintyMas: Math.sqrt(across2),
    closestApproachUncertaintyKm: Math.sqrt(across2) * kmPerMas,
    instantUncertaintyS: (Math.sqrt(along2) * kmPerMas) / speed,
  };
}

function sunMoonAngles(engine: SpiceEngine, t: number, objectUnit: Vec3): Pick<OccultationEvent, "sunElongationDeg" | "moonSeparationDeg" | "moonIlluminatedFraction"> {
  const geo = (body: number): Vec3 | null => {
    try {
      const p = engine.raw.spkezp(body, t, "J2000", "LT+S", 399).pos;
      return [p[0]!, p[1]!, p[2]!];
    } catch {
      return null; // the planetary kernel may not hold the Moon: leave the column empty
    }
  };
  const sun = geo(10), moon = geo(301);
  const angle = (a: Vec3, b: Vec3) => Math.acos(Math.max(-1, Math.min(1, dot(a, b) / Math.hypot(...a) / Math.hypot(...b)))) / DEG;
  let frac: number | null = null;
  if (sun && moon) {
    // Phase angle at the Moon between the Sun and the Earth.
    const moonToSun: Vec3 = [sun[0] - moon[0], sun[1] - moon[1], sun[2] - moon[2]];
    const moonToEarth: Vec3 = [-moon[0], -moon[1], -moon[2]];
    frac = (1 + Math.cos(angle(moonToSun, moonToEarth) * DEG)) / 2;
  }
  return {
    sunElongationDeg: sun ? angle(sun, objectUnit) : null,
    moonSeparationDeg: moon ? angle(moon, objectUnit) : null,
    moonIlluminatedFraction: frac,
  };
}

/** Throws a {@link PredictInputError} naming the coverage when the kernels miss part of the period. */
function checkCoverage(engine: SpiceEngine, targetId: number, startEt: number, endEt: number): void {
  for (const [id, what] of [[targetId, `object ${targetId}`], [399, "the Earth (399)"]] as const) {
    const cov = engine.coverage(id);
    if (cov.some(([a, b]) => a <= startEt && b >= endEt)) continue;
    const fmt = (t: number) => etToUtc(engine, t, 0);
    const have = cov.length ? cov.map(([a, b]) => `${fmt(a)} .. ${fmt(b)}`).join(", ") : "nothing (no loaded SPK holds it)";
    throw new PredictInputError(`period ${fmt(startEt)} .. ${fmt(endEt)} is outside the kernel coverage of ${what}: the loaded kernels cover ${have}`);
  }
}
