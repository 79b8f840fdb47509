import type { SpiceEngine } from "../spice/engine.js";
import { toSpiceError } from "../spice/errors.js";
import { EarthOrientation, EARTH_ROTATION_RAD_PER_S, type EarthFrame } from "./earth.js";
import { observerItrfKm, type Observer } from "./observers.js";

/** Speed of light, km/s (SPICE `clight`). */
export const SPEED_OF_LIGHT_KM_S = 299792.458;
const RAD_TO_DEG = 180 / Math.PI;
const RAD_PER_S_TO_ARCSEC_PER_H = (180 / Math.PI) * 3600 * 3600;

/** Aberration corrections, with SPICE's meanings (reception case). */
export type Abcorr = "NONE" | "LT" | "LT+S" | "CN" | "CN+S";

/**
 * How a topocentric position is formed.
 * - `legacy`: SPICE's correction from the geocentre, then the observer's J2000 vector is
 *   subtracted (light time not recomputed for the site). This is what the legacy pipeline did.
 * - `topocentric`: light time solved from the observer itself, with the observer's own velocity
 *   for stellar aberration. For the geocentre both models equal SPICE `spkez`.
 */
export type EphemerisModel = "legacy" | "topocentric";

export interface EphemerisRequest {
  /** NAIF id of the target (read it from the SPK: {@link smallBodyIdOfSpk}). */
  targetId: number;
  /** Epochs, TDB seconds past J2000. */
  etSeconds: ArrayLike<number>;
  observer: Observer;
  /** Default `topocentric`. */
  model?: EphemerisModel;
  /** Default `LT`: astrometric position (no stellar aberration), as Horizons' astrometric RA/Dec. */
  abcorr?: Abcorr;
  /**
   * `throw` (default): the first epoch SPICE cannot compute throws a {@link SpiceError} naming the
   * body and epoch. `nan`: that epoch gets NaN and its error is listed in `errors`.
   */
  onError?: "throw" | "nan";
}

export interface Ephemeris {
  targetId: number;
  etSeconds: Float64Array;
  /** Right ascension in [0, 360), J2000/ICRF. */
  raDeg: Float64Array;
  decDeg: Float64Array;
  /** Observer-target distance (km), light-time corrected when `abcorr` asks for it. */
  distanceKm: Float64Array;
  /** One-way light time (s). */
  lightTimeS: Float64Array;
  /** dα/dt·cos δ, arcsec per hour. */
  raRateArcsecPerHour: Float64Array;
  /** dδ/dt, arcsec per hour. */
  decRateArcsecPerHour: Float64Array;
  /** Observer→target vectors (km, J2000), x,y,z per epoch. */
  positionKm: Float64Array;
  /** Their time derivatives (km/s). With `+S` the aberration's own rate (~1e-4 relative) is left out. */
  velocityKmS: Float64Array;
  /** Which Earth orientation placed the observer, per epoch (`none` for the geocentre). */
  earthFrame: Array<EarthFrame | "none">;
  /** Epochs that could not be computed (only with `onError: 'nan'`). */
  errors: Array<{ index: number; etSeconds: number; message: string }>;
  model: EphemerisModel;
  abcorr: Abcorr;
}

type Vec6 = [number, number, number, number, number, number];

/**
 * Astrometric (or apparent) RA/Dec, distance and sky-plane rates of a target at many epochs,
 * seen from the geocentre or a site on the Earth. One SPICE engine, one call for all epochs.
 */
export function computeEphemeris(engine: SpiceEngine, request: EphemerisRequest): Ephemeris {
  const n = request.etSeconds.length;
  const model = request.model ?? "topocentric";
  const abcorr = request.abcorr ?? "LT";
  const onError = request.onError ?? "throw";
  const out: Ephemeris = {
    targetId: request.targetId,
    etSeconds: Float64Array.from(request.etSeconds),
    raDeg: new Float64Array(n),
    decDeg: new Float64Array(n),
    distanceKm: new Float64Array(n),
    lightTimeS: new Float64Array(n),
    raRateArcsecPerHour: new Float64Array(n),
    decRateArcsecPerHour: new Float64Array(n),
    positionKm: new Float64Array(3 * n),
    velocityKmS: new Float64Array(3 * n),
    earthFrame: new Array(n).fill("none"),
    errors: [],
    model,
    abcorr,
  };
  const site = observerItrfKm(request.observer);
  const isGeocenter = site[0] === 0 && site[1] === 0 && site[2] === 0;
  const earth = isGeocenter ? undefined : new EarthOrientation(engine);
  const raw = engine.raw;
  const target = request.targetId;
  const state = new Float64Array(6);
  const siteJ2000: Vec6 = [0, 0, 0, 0, 0, 0];

  for (let i = 0; i < n; i++) {
    const et = out.etSeconds[i]!;
    try {
      if (earth) {
        const { matrix: m, frame } = earth.toJ2000(et);
        out.earthFrame[i] = frame;
        const x = m[0]! * site[0] + m[1]! * site[1] + m[2]! * site[2];
        const y = m[3]! * site[0] + m[4]! * site[1] + m[5]! * site[2];
        const z = m[6]! * site[0] + m[7]! * site[1] + m[8]! * site[2];
        // Site velocity: Earth's spin axis (body-fixed z in J2000) crossed with the site vector.
        const wx = m[2]! * EARTH_ROTATION_RAD_PER_S;
        const wy = m[5]! * EARTH_ROTATION_RAD_PER_S;
        const wz = m[8]! * EARTH_ROTATION_RAD_PER_S;
        siteJ2000[0] = x;
        siteJ2000[1] = y;
        siteJ2000[2] = z;
        siteJ2000[3] = wy * z - wz * y;
        siteJ2000[4] = wz * x - wx * z;
        siteJ2000[5] = wx * y - wy * x;
      }
      let lt: number;
      if (model === "legacy" || isGeocenter) {
        const r = raw.spkez(target, et, "J2000", abcorr, 399);
        for (let k = 0; k < 6; k++) state[k] = (r.state[k] as number) - siteJ2000[k]!;
        lt = earth ? Math.hypot(state[0]!, state[1]!, state[2]!) / SPEED_OF_LIGHT_KM_S : r.lt;
      } else {
        lt = topocentricState(engine, target, et, siteJ2000, abcorr, state);
      }
      store(out, i, state, lt);
    } catch (e) {
      const err = toSpiceError("computeEphemeris", e, { body: target, etSeconds: et });
      if (onError === "throw") throw err;
      out.errors.push({ index: i, etSeconds: et, message: err.message });
      for (const a of [out.raDeg, out.decDeg, out.distanceKm, out.lightTimeS, out.raRateArcsecPerHour, out.decRateArcsecPerHour]) a[i] = NaN;
      out.positionKm.fill(NaN, 3 * i, 3 * i + 3);
      out.velocityKmS.fill(NaN, 3 * i, 3 * i + 3);
    }
  }
  return out;
}

/**
 * Light time solved from the observer (SSB positions of observer at `et` and target at
 * `et - lt`), with optional stellar aberration from the observer's SSB velocity.
 * Writes the observer→target state into `out` and returns the light time.
 */
export function topocentricState(engine: SpiceEngine, target: number, et: number, site: Vec6, abcorr: Abcorr, out: Float64Array): number {
  const raw = engine.raw;
  const e = raw.spkssb(399, et, "J2000") as unknown as number[];
  const o0 = e[0]! + site[0], o1 = e[1]! + site[1], o2 = e[2]! + site[2];
  const ov0 = e[3]! + site[3], ov1 = e[4]! + site[4], ov2 = e[5]! + site[5];
  let t = raw.spkssb(target, et, "J2000") as unknown as number[];
  let lt = Math.hypot(t[0]! - o0, t[1]! - o1, t[2]! - o2) / SPEED_OF_LIGHT_KM_S;
  if (abcorr !== "NONE") {
    const iterations = abcorr.startsWith("CN") ? 10 : 1;
    for (let k = 0; k < iterations; k++) {
      t = raw.spkssb(target, et - lt, "J2000") as unknown as number[];
      const next = Math.hypot(t[0]! - o0, t[1]! - o1, t[2]! - o2) / SPEED_OF_LIGHT_KM_S;
      const done = Math.abs(next - lt) < 1e-12 * Math.max(1, lt);
      lt = next;
      if (done) break;
    }
  }
  let p0 = t[0]! - o0, p1 = t[1]! - o1, p2 = t[2]! - o2;
  let v0 = t[3]! - ov0, v1 = t[4]! - ov1, v2 = t[5]! - ov2;
  if (abcorr !== "NONE") {
    // d(lt)/dt for the reception case: the target is seen where it was at et - lt(et).
    const r = Math.hypot(p0, p1, p2);
    const rdotvt = (p0 * t[3]! + p1 * t[4]! + p2 * t[5]!) / r;
    const rdotvrel = (p0 * v0 + p1 * v1 + p2 * v2) / r;
    const dltdt = rdotvrel / (SPEED_OF_LIGHT_KM_S - rdotvt);
    v0 = t[3]! * (1 - dltdt) - ov0;
    v1 = t[4]! * (1 - dltdt) - ov1;
    v2 = t[5]! * (1 - dltdt) - ov2;
  }
  if (abcorr.endsWith("+S")) {
    [p0, p1, p2] = stellarAberration([p0, p1, p2], [ov0, ov1, ov2]);
  }
  out[0] = p0; out[1] = p1; out[2] = p2; out[3] = v0; out[4] = v1; out[5] = v2;
  return lt;
}

/**
 * Stellar aberration for the reception case (SPICE `stelab`): the apparent direction is the
 * geometric one rotated toward the observer's velocity by asin(|û × v/c|). Length is kept.
 */
export function stellarAberration(p: readonly [number, number, number], observerVelocityKmS: readonly [number, number, number]): [number, number, number] {
  const r = Math.hypot(p[0], p[1], p[2]);
  const u = [p[0] / r, p[1] / r, p[2] / r] as const;
  const vb = [observerVelocityKmS[0] / SPEED_OF_LIGHT_KM_S, observerVelocityKmS[1] / SPEED_OF_LIGHT_KM_S, observerVelocityKmS[2] / SPEED_OF_LIGHT_KM_S] as const;
  const h = [u[1] * vb[2] - u[2] * vb[1], u[2] * vb[0] - u[0] * vb[2], u[0] * vb[1] - u[1] * vb[0]] as const;
  const sinPhi = Math.hypot(h[0], h[1], h[2]);
  if (sinPhi === 0) return [p[0], p[1], p[2]];
  const phi = Math.asin(sinPhi);
  // Rotate u by phi about h (Rodrigues); h ⟂ u so the formula simplifies.
  const k = [h[0] / sinPhi, h[1] / sinPhi, h[2] / sinPhi] as const;
  const kxu = [k[1] * u[2] - k[2] * u[1], k[2] * u[0] - k[0] * u[2], k[0] * u[1] - k[1] * u[0]] as const;
  const c = Math.cos(phi), s = Math.sin(phi);
  return [r * (u[0] * c + kxu[0] * s), r * (u[1] * c + kxu[1] * s), r * (u[2] * c + kxu[2] * s)];
}

function store(out: Ephemeris, i: number, s: Float64Array, lt: number): void {
  const x = s[0]!, y = s[1]!, z = s[2]!, vx = s[3]!, vy = s[4]!, vz = s[5]!;
  const { raDeg, decDeg } = vectorToRaDec(x, y, z);
  const rates = skyRatesArcsecPerHour(x, y, z, vx, vy, vz);
  out.raDeg[i] = raDeg;
  out.decDeg[i] = decDeg;
  out.distanceKm[i] = Math.sqrt(x * x + y * y + z * z);
  out.lightTimeS[i] = lt;
  out.raRateArcsecPerHour[i] = rates.raRate;
  out.decRateArcsecPerHour[i] = rates.decRate;
  out.positionKm.set([x, y, z], 3 * i);
  out.velocityKmS.set([vx, vy, vz], 3 * i);
}

/** Sky-plane rates of a relative state (km, km/s): dα/dt·cos δ and dδ/dt in arcsec per hour. */
export function skyRatesArcsecPerHour(x: number, y: number, z: number, vx: number, vy: number, vz: number): { raRate: number; decRate: number } {
  const rxy2 = x * x + y * y;
  const rxy = Math.sqrt(rxy2);
  const r2 = rxy2 + z * z;
  const r = Math.sqrt(r2);
  return {
    raRate: ((x * vy - y * vx) / (rxy * r)) * RAD_PER_S_TO_ARCSEC_PER_H,
    decRate: ((vz * rxy2 - z * (x * vx + y * vy)) / (r2 * rxy)) * RAD_PER_S_TO_ARCSEC_PER_H,
  };
}

/** RA/Dec (degrees, RA in [0, 360)) of a J2000 vector. */
export function vectorToRaDec(x: number, y: number, z: number): { raDeg: number; decDeg: number } {
  let ra = Math.atan2(y, x) * RAD_TO_DEG;
  if (ra < 0) ra += 360;
  return { raDeg: ra, decDeg: Math.atan2(z, Math.hypot(x, y)) * RAD_TO_DEG };
}
