import { z } from "zod";
import { EarthOrientation } from "../ephemeris/earth.js";
import { WGS84_FLATTENING, WGS84_RADIUS_KM } from "../ephemeris/observers.js";
import type { SpiceEngine } from "../spice/engine.js";
import { toSpiceError } from "../spice/errors.js";
import { etToJdUtc } from "../time/index.js";

/** A 3-vector (km, km/s or unitless). */
export type Vec3 = readonly [number, number, number];
/** A row-major 3x3 rotation matrix. */
export type Mat3 = ArrayLike<number>;

const DEG = Math.PI / 180;
const SPEED_OF_LIGHT_KM_S = 299792.458;
const SECONDS_PER_DAY = 86400;
const J2000_JD = 2451545.0;
const WGS84_POLAR_RADIUS_KM = WGS84_RADIUS_KM * (1 - WGS84_FLATTENING);
/** b²/a² = 1 − e² of the WGS84 ellipsoid. */
const WGS84_B2_OVER_A2 = (1 - WGS84_FLATTENING) ** 2;

/** Default time step of the shadow samples (s). The limb crossings are refined separately. */
export const DEFAULT_SHADOW_STEP_S = 2;
/** Extra fundamental-plane distance beyond the equatorial radius that sets the sampled span (km). */
export const DEFAULT_SHADOW_MARGIN_KM = 100;
/** Sun altitude below which a point counts as dark enough for an occultation (nautical twilight). */
export const DEFAULT_NIGHT_SUN_ALTITUDE_DEG = -12;
/** Interval of the time ticks on the central line (s): one per minute, as Lucky Star maps. */
export const DEFAULT_TICK_INTERVAL_S = 60;
/** Most samples per line; beyond, the step grows (a 1 km/s shadow still gets ~3 s). */
const MAX_SHADOW_SAMPLES = 4000;
/** Bisection steps for a limb crossing: 2 s / 2^30 ≈ 2 ns, far below any visible effect. */
const LIMB_BISECTION_STEPS = 30;

/**
 * Everything the shadow needs at any epoch near the event, in the J2000 (= ICRF) frame.
 * {@link spiceShadowModel} builds one from SPICE; tests build analytic ones.
 */
export interface ShadowModel {
  /** Star direction at the event epoch (ICRS unit vector: proper motion and parallax applied). */
  starUnit: Vec3;
  /**
   * Direction of the shadow axis, towards the star. Defaults to `starUnit`. The star's light
   * passes the occulter earlier the farther down the shadow it is, so the axis tilts by the
   * occulter's barycentric velocity over c (not by the Earth's aberration).
   */
  shadowAxisUnit?: Vec3;
  /** Geocentric astrometric (light-time corrected, no stellar aberration) state of the occulter. */
  objectState(etSeconds: number): { positionKm: Vec3; velocityKmS: Vec3 };
  /** Rotation J2000 → Earth-fixed (ITRF93 or IAU_EARTH), row-major. */
  earthFixedFromJ2000(etSeconds: number): Mat3;
  /** Geocentric apparent Sun (J2000, km), for the Sun's altitude at each point. */
  sunPositionKm(etSeconds: number): Vec3;
  /** ET − UTC (s) near the event, to place the ticks on whole UTC minutes. */
  etMinusUtcSeconds: number;
}

/** One point of a shadow line on the WGS84 ellipsoid. */
export interface ShadowPoint {
  etSeconds: number;
  /** Geodetic east longitude, (−180, 180]. */
  lonDeg: number;
  /** Geodetic latitude. */
  latDeg: number;
  /** Altitude of the star above the geodetic horizon (0 at the limb of the shadow on Earth). */
  starAltitudeDeg: number;
  /** Geometric altitude of the Sun's centre. */
  sunAltitudeDeg: number;
  /** Sun below `nightSunAltitudeDeg`. */
  dark: boolean;
}

/** What a line of the path marks. */
export type ShadowLineKind = "central" | "body" | "uncertainty";

/** One line of the path: the central line, or a limit at `offsetKm` across the track. */
export interface ShadowLine {
  kind: ShadowLineKind;
  /**
   * Offset across the track in the fundamental plane (km), positive towards the north side of
   * the motion (the east side when the motion is exactly north–south).
   */
  offsetKm: number;
  /** Points in time order; empty when this line misses the Earth. Its ends lie on the limb. */
  points: ShadowPoint[];
}

/** Ground geometry of one occultation. */
export interface ShadowPath {
  centralEtSeconds: number;
  etMinusUtcSeconds: number;
  diameterKm: number;
  uncertaintyKm: number;
  nightSunAltitudeDeg: number;
  /**
   * Occulter in the fundamental plane at `centralEtSeconds` (km; ξ east, η north, as Bessel),
   * its distance from the geocentre there, and its speed in the plane (km/s).
   */
  fundamentalPlane: { xiKm: number; etaKm: number; distanceKm: number; speedKmS: number };
  /** Central line, then the body limits (south, north), then the widened limits (south, north). */
  lines: ShadowLine[];
  /** Points of the central line at whole UTC multiples of the tick interval. */
  ticks: ShadowPoint[];
  /** Central-line point at the geocentric closest approach, when it falls on the Earth. */
  closestApproachPoint?: ShadowPoint;
  /** Where the star is at the zenith (the axis through the geocentre meets the ellipsoid). */
  subStarPoint: { lonDeg: number; latDeg: number };
  /** Where the Sun is at the zenith (geocentric direction). */
  subSolarPoint: { lonDeg: number; latDeg: number };
}

const shadowOptionsSchema = z.object({
  centralEtSeconds: z.number().finite(),
  diameterKm: z.number().finite().nonnegative(),
  uncertaintyKm: z.number().finite().nonnegative().default(0),
  stepSeconds: z.number().finite().positive().default(DEFAULT_SHADOW_STEP_S),
  marginKm: z.number().finite().nonnegative().default(DEFAULT_SHADOW_MARGIN_KM),
  nightSunAltitudeDeg: z.number().finite().min(-90).max(90).default(DEFAULT_NIGHT_SUN_ALTITUDE_DEG),
  tickIntervalSeconds: z.number().finite().positive().default(DEFAULT_TICK_INTERVAL_S),
});

/** Options of {@link computeShadowPath}. */
export type ShadowOptions = z.input<typeof shadowOptionsSchema>;

/**
 * Central line and limits of an occultation shadow on the WGS84 Earth (Bessel's fundamental
 * plane). For each sample time the occulter's geocentric position is projected on the plane
 * through the geocentre perpendicular to the star, moved across the track by each line's offset,
 * and the line through that point along the shadow axis is intersected with the ellipsoid in the
 * Earth-fixed frame (the star-facing root). Samples span the times where the plane point lies
 * within the equatorial radius (+ margin); each line's ends are refined to the limb.
 * Lines: central; body limits at ±diameter/2; widened limits at ±(diameter/2 + uncertainty) when
 * the uncertainty is positive.
 */
export function computeShadowPath(model: ShadowModel, options: ShadowOptions): ShadowPath {
  const opts = shadowOptionsSchema.parse(options);
  const t0 = opts.centralEtSeconds;
  const s = unit(model.starUnit);
  const axis = unit(model.shadowAxisUnit ?? s);
  const east = unit(cross([0, 0, 1], s));
  const north = cross(s, east);

  const planeAt = (et: number) => {
    const { positionKm, velocityKmS } = model.objectState(et);
    const p = reject(positionKm, s);
    const v = reject(velocityKmS, s);
    // Across-track direction, signed towards the north side of the motion.
    let n = unit(cross(s, v));
    const nNorth = dot(n, north);
    if (nNorth < 0 || (Math.abs(nNorth) < 1e-12 && dot(n, east) < 0)) n = scale(n, -1);
    return { p, v, n };
  };

  const c0 = planeAt(t0);
  const speedKmS = norm(c0.v);
  if (!(speedKmS > 0)) throw new Error(`shadow: the occulter does not move in the fundamental plane at ET ${t0}`);
  const radius = opts.diameterKm / 2;
  const offsets: Array<{ kind: ShadowLineKind; offsetKm: number }> = [{ kind: "central", offsetKm: 0 }];
  if (radius > 0) offsets.push({ kind: "body", offsetKm: -radius }, { kind: "body", offsetKm: radius });
  if (opts.uncertaintyKm > 0) {
    offsets.push({ kind: "uncertainty", offsetKm: -(radius + opts.uncertaintyKm) }, { kind: "uncertainty", offsetKm: radius + opts.uncertaintyKm });
  }
  const maxOffset = radius + opts.uncertaintyKm;

  // Time span: where the plane point can be within reach of the Earth (straight-line motion).
  const along = dot(c0.p, c0.v) / speedKmS;
  const across = Math.sqrt(Math.max(0, dot(c0.p, c0.p) - along * along));
  const reach = WGS84_RADIUS_KM + opts.marginKm + maxOffset;
  const halfSpan = reach > across ? Math.sqrt(reach * reach - across * across) / speedKmS : 0;
  const tMid = t0 - along / speedKmS;
  // The grid holds the C/A instant itself, so every line has a point exactly there.
  // Slow shadows (near a stationary point) get a coarser step rather than unbounded samples.
  const step = Math.max(opts.stepSeconds, (2 * halfSpan) / MAX_SHADOW_SAMPLES);
  const kFirst = Math.floor((tMid - halfSpan - t0) / step);
  const kLast = Math.max(kFirst + 1, Math.ceil((tMid + halfSpan - t0) / step));
  const times: number[] = [];
  for (let k = kFirst; k <= kLast; k++) times.push(t0 + k * step);

  const rotCache = new Map<number, Mat3>();
  const rotation = (et: number) => {
    let m = rotCache.get(et);
    if (!m) {
      m = model.earthFixedFromJ2000(et);
      rotCache.set(et, m);
    }
    return m;
  };
  const sunCache = new Map<number, Vec3>();
  const sunFixed = (et: number) => {
    let v = sunCache.get(et);
    if (!v) {
      v = mulMat(rotation(et), model.sunPositionKm(et));
      sunCache.set(et, v);
    }
    return v;
  };

  const ground = (et: number, offsetKm: number, plane = planeAt(et)): ShadowPoint | undefined => {
    const m = rotation(et);
    const q = mulMat(m, add(plane.p, scale(plane.n, offsetKm)));
    const d = mulMat(m, axis);
    const hit = intersectEllipsoid(q, d);
    if (!hit) return undefined;
    return surfacePoint(et, hit, d, sunFixed(et), opts.nightSunAltitudeDeg);
  };
  const discriminant = (et: number, offsetKm: number) => {
    const plane = planeAt(et);
    const m = rotation(et);
    return ellipsoidDiscriminant(mulMat(m, add(plane.p, scale(plane.n, offsetKm))), mulMat(m, axis));
  };
  const limb = (tIn: number, tOut: number, offsetKm: number): ShadowPoint | undefined => {
    let a = tIn;
    let b = tOut;
    for (let i = 0; i < LIMB_BISECTION_STEPS; i++) {
      const mid = (a + b) / 2;
      if (discriminant(mid, offsetKm) >= 0) a = mid;
      else b = mid;
    }
    return ground(a, offsetKm);
  };

  const planes = times.map((t) => planeAt(t));
  const lines: ShadowLine[] = offsets.map(({ kind, offsetKm }) => {
    const raw = times.map((t, i) => ground(t, offsetKm, planes[i]));
    const points: ShadowPoint[] = [];
    for (let i = 0; i < raw.length; i++) {
      const here = raw[i];
      const prev = i > 0 ? raw[i - 1] : undefined;
      const next = i + 1 < raw.length ? raw[i + 1] : undefined;
      if (here && i > 0 && !prev) {
        const entry = limb(times[i]!, times[i - 1]!, offsetKm);
        if (entry) points.push(entry);
      }
      if (here) points.push(here);
      if (here && i + 1 < raw.length && !next) {
        const exit = limb(times[i]!, times[i + 1]!, offsetKm);
        if (exit) points.push(exit);
      }
    }
    return { kind, offsetKm, points };
  });

  const ticks: ShadowPoint[] = [];
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const tick = opts.tickIntervalSeconds;
  for (let k = Math.ceil((first - model.etMinusUtcSeconds) / tick); k * tick + model.etMinusUtcSeconds <= last; k++) {
    const p = ground(k * tick + model.etMinusUtcSeconds, 0);
    if (p) ticks.push(p);
  }

  const m0 = rotation(t0);
  const axisFixed = mulMat(m0, axis);
  const subStar = intersectEllipsoid([0, 0, 0], axisFixed)!;
  const sun0 = sunFixed(t0);
  const closestApproachPoint = ground(t0, 0);
  return {
    centralEtSeconds: t0,
    etMinusUtcSeconds: model.etMinusUtcSeconds,
    diameterKm: opts.diameterKm,
    uncertaintyKm: opts.uncertaintyKm,
    nightSunAltitudeDeg: opts.nightSunAltitudeDeg,
    fundamentalPlane: { xiKm: dot(c0.p, east), etaKm: dot(c0.p, north), distanceKm: norm(c0.p), speedKmS },
    lines,
    ticks,
    ...(closestApproachPoint ? { closestApproachPoint } : {}),
    subStarPoint: geodeticOf(subStar),
    subSolarPoint: { lonDeg: Math.atan2(sun0[1], sun0[0]) / DEG, latDeg: Math.asin(sun0[2] / norm(sun0)) / DEG },
  };
}

/** Star-facing intersection of the line `q + λ d` with the WGS84 ellipsoid (Earth-fixed, km). */
export function intersectEllipsoid(q: Vec3, d: Vec3): Vec3 | undefined {
  const k = WGS84_RADIUS_KM / WGS84_POLAR_RADIUS_KM;
  const qs: Vec3 = [q[0], q[1], q[2] * k];
  const ds: Vec3 = [d[0], d[1], d[2] * k];
  const a = dot(ds, ds);
  const b = dot(qs, ds);
  const disc = b * b - a * (dot(qs, qs) - WGS84_RADIUS_KM * WGS84_RADIUS_KM);
  if (disc < 0) return undefined;
  // The larger root is the side facing the star (d points to the star).
  const lambda = (-b + Math.sqrt(disc)) / a;
  return add(q, scale(d, lambda));
}

function ellipsoidDiscriminant(q: Vec3, d: Vec3): number {
  const k = WGS84_RADIUS_KM / WGS84_POLAR_RADIUS_KM;
  const qs: Vec3 = [q[0], q[1], q[2] * k];
  const ds: Vec3 = [d[0], d[1], d[2] * k];
  const b = dot(qs, ds);
  return b * b - dot(ds, ds) * (dot(qs, qs) - WGS84_RADIUS_KM * WGS84_RADIUS_KM);
}

/** Geodetic longitude/latitude of a point on the WGS84 ellipsoid (exact for height 0). */
export function geodeticOf(x: Vec3): { lonDeg: number; latDeg: number } {
  const p = Math.hypot(x[0], x[1]);
  return { lonDeg: Math.atan2(x[1], x[0]) / DEG, latDeg: Math.atan2(x[2], WGS84_B2_OVER_A2 * p) / DEG };
}

/** WGS84 Earth-fixed position (km) of a geodetic longitude/latitude/height. */
export function geodeticToEarthFixedKm(lonDeg: number, latDeg: number, heightKm = 0): Vec3 {
  const e2 = 1 - WGS84_B2_OVER_A2;
  const sinLat = Math.sin(latDeg * DEG);
  const cosLat = Math.cos(latDeg * DEG);
  const nRadius = WGS84_RADIUS_KM / Math.sqrt(1 - e2 * sinLat * sinLat);
  return [
    (nRadius + heightKm) * cosLat * Math.cos(lonDeg * DEG),
    (nRadius + heightKm) * cosLat * Math.sin(lonDeg * DEG),
    (nRadius * (1 - e2) + heightKm) * sinLat,
  ];
}

function surfacePoint(et: number, x: Vec3, axisFixed: Vec3, sunFixed: Vec3, nightSunAltitudeDeg: number): ShadowPoint {
  const { lonDeg, latDeg } = geodeticOf(x);
  const up: Vec3 = [Math.cos(latDeg * DEG) * Math.cos(lonDeg * DEG), Math.cos(latDeg * DEG) * Math.sin(lonDeg * DEG), Math.sin(latDeg * DEG)];
  const starAltitudeDeg = Math.asin(clamp(dot(up, unit(axisFixed)))) / DEG;
  const sunAltitudeDeg = Math.asin(clamp(dot(up, unit(sub(sunFixed, x))))) / DEG;
  return { etSeconds: et, lonDeg, latDeg, starAltitudeDeg, sunAltitudeDeg, dark: sunAltitudeDeg < nightSunAltitudeDeg };
}

/** ICRS unit vector of a right ascension and declination (degrees). */
export function unitFromRaDec(raDeg: number, decDeg: number): Vec3 {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  return [Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)];
}

/** Inputs of {@link spiceShadowModel}. */
export interface SpiceShadowModelRequest {
  /** NAIF id of the occulter. */
  targetId: number;
  /** Star direction at the event epoch (ICRS unit vector). */
  starUnit: Vec3;
  /** Epoch at which the shadow-axis tilt (occulter velocity / c) is taken; the event instant. */
  centralEtSeconds: number;
}

/**
 * A {@link ShadowModel} from the loaded kernels: the occulter from SPICE `spkez` (geocentre,
 * J2000, `LT`), the Sun (`LT+S`), and the Earth's orientation from the ITRF93 binary PCK where
 * one covers the epoch, else IAU_EARTH from the text PCK.
 */
export function spiceShadowModel(engine: SpiceEngine, request: SpiceShadowModelRequest): ShadowModel {
  const { targetId, centralEtSeconds } = request;
  const earth = new EarthOrientation(engine);
  const state = (et: number) => {
    try {
      return engine.raw.spkez(targetId, et, "J2000", "LT", 399);
    } catch (e) {
      throw toSpiceError("spkez", e, { body: targetId, etSeconds: et });
    }
  };
  const s0 = state(centralEtSeconds);
  let barycentricVelocity: Vec3;
  try {
    const ssb = engine.raw.spkssb(targetId, centralEtSeconds - s0.lt, "J2000");
    barycentricVelocity = [ssb[3], ssb[4], ssb[5]];
  } catch (e) {
    throw toSpiceError("spkssb", e, { body: targetId, etSeconds: centralEtSeconds });
  }
  const starUnit = unit(request.starUnit);
  const deltaUtc = engine.call("deltet", { etSeconds: centralEtSeconds }, (raw) => raw.deltet(centralEtSeconds, "ET"));
  return {
    starUnit,
    shadowAxisUnit: unit(add(starUnit, scale(barycentricVelocity, 1 / SPEED_OF_LIGHT_KM_S))),
    objectState: (et) => {
      const st = state(et).state;
      return { positionKm: [st[0], st[1], st[2]], velocityKmS: [st[3], st[4], st[5]] };
    },
    earthFixedFromJ2000: (et) => transpose(earth.toJ2000(et).matrix),
    sunPositionKm: (et) => {
      try {
        const p = engine.raw.spkezp(10, et, "J2000", "LT+S", 399).pos;
        return [p[0], p[1], p[2]];
      } catch (e) {
        throw toSpiceError("spkezp", e, { body: 10, etSeconds: et });
      }
    },
    etMinusUtcSeconds: deltaUtc,
  };
}

/** One event as the event search reports it, for {@link shadowPathForEvent}. */
export interface ShadowEventRequest {
  /** NAIF id of the occulter (its SPK must be loaded, with a planetary SPK, LSK and Earth PCK). */
  targetId: number;
  /** Geocentric closest-approach instant, ET. */
  etSeconds: number;
  /** Star ICRS position at the event epoch (proper motion and parallax applied). */
  starRaDeg: number;
  starDecDeg: number;
  diameterKm: number;
  /** Cross-track 1σ path uncertainty (km); 0 or absent draws no widened limits. */
  uncertaintyKm?: number;
  stepSeconds?: number;
  nightSunAltitudeDeg?: number;
}

/** {@link computeShadowPath} on a {@link spiceShadowModel}: the shadow of one predicted event. */
export function shadowPathForEvent(engine: SpiceEngine, event: ShadowEventRequest): ShadowPath {
  const starUnit = unitFromRaDec(event.starRaDeg, event.starDecDeg);
  const model = spiceShadowModel(engine, { targetId: event.targetId, starUnit, centralEtSeconds: event.etSeconds });
  return computeShadowPath(model, {
    centralEtSeconds: event.etSeconds,
    diameterKm: event.diameterKm,
    uncertaintyKm: event.uncertaintyKm ?? 0,
    ...(event.stepSeconds !== undefined ? { stepSeconds: event.stepSeconds } : {}),
    ...(event.nightSunAltitudeDeg !== undefined ? { nightSunAltitudeDeg: event.nightSunAltitudeDeg } : {}),
  });
}

/** Extent of the path on the ground and whether any of it is in the dark (the `occ_path_*` columns). */
export interface ShadowPathSummary {
  /** The central line touches the Earth. */
  havePath: boolean;
  /**
   * Longitude range of the central line, each end in (−180, 180]. The range is taken along the
   * path, so `minLongitudeDeg > maxLongitudeDeg` means it crosses the antimeridian.
   */
  minLongitudeDeg?: number;
  maxLongitudeDeg?: number;
  minLatitudeDeg?: number;
  maxLatitudeDeg?: number;
  /** Some point of the central line has the Sun below the path's night altitude. */
  isNightside: boolean;
}

/** Ground extent of the central line and its night flag. */
export function summarizeShadowPath(path: ShadowPath): ShadowPathSummary {
  const central = path.lines.find((l) => l.kind === "central")?.points ?? [];
  if (central.length === 0) return { havePath: false, isNightside: false };
  // Unwrap along the path so the extent is continuous across ±180°.
  let prev = central[0]!.lonDeg;
  let lo = prev;
  let hi = prev;
  for (const p of central) {
    let lon = p.lonDeg;
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    lo = Math.min(lo, lon);
    hi = Math.max(hi, lon);
    prev = lon;
  }
  const wrap180 = (x: number) => {
    const w = wrap360(x);
    return w > 180 ? w - 360 : w;
  };
  return {
    havePath: true,
    minLongitudeDeg: wrap180(lo),
    maxLongitudeDeg: wrap180(hi),
    minLatitudeDeg: Math.min(...central.map((p) => p.latDeg)),
    maxLatitudeDeg: Math.max(...central.map((p) => p.latDeg)),
    isNightside: central.some((p) => p.dark),
  };
}

/** Convention of the sub-point longitude. */
export type SubPointConvention = "sora" | "earth-fixed";

/**
 * East longitude (degrees, [0, 360)) of the point that has a direction (the star, or the
 * occulter) at its zenith, at `etSeconds`.
 * - `sora` (default): right ascension minus Greenwich mean sidereal time (IAU 2006, UT1 = UTC),
 *   SORA's and PRAIA's `long` column. It mixes an ICRS right ascension with a sidereal time of
 *   the equinox of date, so it lags the true meridian by the precession since J2000 (0.28° for
 *   Chariklo in 2017).
 * - `earth-fixed`: the direction in the Earth-fixed frame (ITRF93 where a binary PCK covers
 *   the epoch, else IAU_EARTH): the true sub-point.
 */
export function subObserverLongitudeDeg(engine: SpiceEngine, etSeconds: number, direction: Vec3, convention: SubPointConvention = "sora"): number {
  if (convention === "earth-fixed") {
    const d = mulMat(transpose(new EarthOrientation(engine).toJ2000(etSeconds).matrix), direction);
    return wrap360(Math.atan2(d[1], d[0]) / DEG);
  }
  const raDeg = Math.atan2(direction[1], direction[0]) / DEG;
  const jdUtc = etToJdUtc(engine, etSeconds);
  const jdTt = J2000_JD + etSeconds / SECONDS_PER_DAY;
  return wrap360(raDeg - greenwichMeanSiderealTimeDeg(jdUtc, jdTt));
}

/**
 * Local mean solar time (hours, [0, 24)) at an east longitude: UTC + longitude/15, as SORA's
 * and PRAIA's `loct` column.
 */
export function localSolarTimeHours(engine: SpiceEngine, etSeconds: number, eastLongitudeDeg: number): number {
  const jdUtc = etToJdUtc(engine, etSeconds);
  const utcHours = (((jdUtc - 0.5) % 1) + 1) % 1 * 24;
  return (((utcHours + eastLongitudeDeg / 15) % 24) + 24) % 24;
}

/** Hours as `HH:MM`, truncated to the minute (after rounding to the millisecond), as SORA prints `loct`. */
export function formatHoursMinutes(hours: number): string {
  const minutes = Math.floor(Math.round(hours * 3_600_000) / 60_000) % (24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Greenwich mean sidereal time (degrees, [0, 360)), IAU 2006 (Capitaine et al. 2005, as ERFA
 * `gmst06`): Earth rotation angle of UT1 plus the precession polynomial in TT.
 */
export function greenwichMeanSiderealTimeDeg(jdUt1: number, jdTt: number): number {
  const du = jdUt1 - J2000_JD;
  // ERA = 2π(0.7790572732640 + 1.00273781191135448·Du), split to keep precision.
  const era = 360 * ((((du % 1) + 0.7790572732640 + 0.00273781191135448 * du) % 1 + 1) % 1);
  const t = (jdTt - J2000_JD) / 36525;
  const polyArcsec = 0.014506 + t * (4612.156534 + t * (1.3915817 + t * (-0.00000044 + t * (-0.000029956 + t * -0.0000000368))));
  return wrap360(era + polyArcsec / 3600);
}

function wrap360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

function clamp(x: number): number {
  return Math.max(-1, Math.min(1, x));
}
function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function scale(a: Vec3, k: number): Vec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}
function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}
function unit(a: Vec3): Vec3 {
  const n = norm(a);
  if (!(n > 0)) throw new Error("shadow: zero-length direction vector");
  return scale(a, 1 / n);
}
/** Component of `a` perpendicular to the unit vector `u`. */
function reject(a: Vec3, u: Vec3): Vec3 {
  return sub(a, scale(u, dot(a, u)));
}
function mulMat(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2],
    m[3]! * v[0] + m[4]! * v[1] + m[5]! * v[2],
    m[6]! * v[0] + m[7]! * v[1] + m[8]! * v[2],
  ];
}
function transpose(m: Mat3): Mat3 {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}
