/**
 * Small-body SPKs built by the project from published osculating elements:
 * elements → heliocentric state → barycentric N-body propagation (the Sun and the eight planet
 * systems plus Pluto as point masses, their positions from the loaded planetary SPK, DE405 in
 * the demo) with a fixed-step RK4 → an SPK type 8 segment (equally spaced states, Lagrange
 * interpolation, centre 0 = SSB) written with the SPICE writer routines.
 *
 * Left out, with their size for the objects used here: other asteroids' attraction (Ceres,
 * Vesta…: ≲ 0.01″ over a decade for a main-belt object, nothing for a TNO), general relativity
 * (~1e-8 of the solar acceleration at 3 au), non-gravitational forces.
 */
import { writeFileSync } from "node:fs";
import type { SpiceEngine } from "../../src/spice/engine.js";
import { equinoctialToKeplerian, type EquinoctialElements as AstDysEquinoctial } from "../../src/external/astdys.js";

export const AU_KM = 149_597_870.7;
const DAY_S = 86_400;
const DEG = Math.PI / 180;
/** IAU 1976 obliquity of the ecliptic at J2000 (84381.448″): the "ecliptic of J2000" of Horizons and AstDyS. */
export const OBLIQUITY_J2000_RAD = (84381.448 / 3600) * DEG;

/**
 * GM (km³/s²) of the Sun and the planet-system barycentres, from the DE430 constants (Folkner et
 * al. 2014, IPN Progress Report 42-196, table 8; NAIF gm_de431.tpc). NAIF ids as keys.
 */
export const GM_KM3_S2: Readonly<Record<number, number>> = {
  10: 132_712_440_041.9394,
  1: 22_031.78,
  2: 324_858.592,
  3: 403_503.235502,
  4: 42_828.375214,
  5: 126_712_764.8,
  6: 37_940_585.2,
  7: 5_794_548.6,
  8: 6_836_527.10058,
  9: 977.0,
};

export type State = [number, number, number, number, number, number];

/** Heliocentric osculating Keplerian elements (ecliptic and equinox J2000), as Horizons prints them. */
export interface KeplerElements {
  aAu: number;
  e: number;
  iDeg: number;
  /** Longitude of the ascending node Ω. */
  nodeDeg: number;
  /** Argument of perihelion ω. */
  periDeg: number;
  meanAnomalyDeg: number;
  /** Osculation epoch, TDB seconds past J2000. */
  epochEt: number;
}

/** AstDyS/OrbFit equinoctial elements (OEF2.0 `EQU` line) with their osculation epoch. */
export type EquinoctialElements = Omit<AstDysEquinoctial, "kind"> & { epochEt: number };

/** Equinoctial → Keplerian through the library's AstDyS conversion, keeping the epoch. */
export function equinoctialToKepler(q: EquinoctialElements): KeplerElements {
  const { epochEt, ...elements } = q;
  const k = equinoctialToKeplerian({ kind: "equinoctial", ...elements });
  return { aAu: k.aAu, e: k.e, iDeg: k.iDeg, nodeDeg: k.nodeDeg, periDeg: k.argPerihelionDeg, meanAnomalyDeg: k.meanAnomalyDeg, epochEt };
}

/** Kepler elements → state (km, km/s) in the elements' frame, for the central GM `mu`. */
export function keplerToState(el: KeplerElements, mu = GM_KM3_S2[10]!): State {
  const a = el.aAu * AU_KM;
  const e = el.e;
  if (!(e < 1)) throw new RangeError(`keplerToState: only elliptic orbits (e = ${e})`);
  const M = el.meanAnomalyDeg * DEG;
  let E = e < 0.8 ? M : Math.PI;
  for (let k = 0; k < 50; k++) {
    const dE = (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
    E -= dE;
    if (Math.abs(dE) < 1e-15) break;
  }
  const cosE = Math.cos(E), sinE = Math.sin(E);
  const b = a * Math.sqrt(1 - e * e);
  const xp = a * (cosE - e), yp = b * sinE;
  const n = Math.sqrt(mu / a ** 3);
  const rdot = (n * a) / (1 - e * cosE);
  const vxp = -rdot * sinE, vyp = rdot * Math.sqrt(1 - e * e) * cosE;
  const [cO, sO] = [Math.cos(el.nodeDeg * DEG), Math.sin(el.nodeDeg * DEG)];
  const [cw, sw] = [Math.cos(el.periDeg * DEG), Math.sin(el.periDeg * DEG)];
  const [ci, si] = [Math.cos(el.iDeg * DEG), Math.sin(el.iDeg * DEG)];
  // Perifocal → reference frame: R3(−Ω) R1(−i) R3(−ω).
  const P = [cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si];
  const Q = [-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si];
  return [
    P[0]! * xp + Q[0]! * yp,
    P[1]! * xp + Q[1]! * yp,
    P[2]! * xp + Q[2]! * yp,
    P[0]! * vxp + Q[0]! * vyp,
    P[1]! * vxp + Q[1]! * vyp,
    P[2]! * vxp + Q[2]! * vyp,
  ];
}

/** Ecliptic-of-J2000 state → J2000 equatorial (rotation by the obliquity about x). */
export function eclipticToJ2000(s: State): State {
  const c = Math.cos(OBLIQUITY_J2000_RAD), n = Math.sin(OBLIQUITY_J2000_RAD);
  return [s[0], c * s[1] - n * s[2], n * s[1] + c * s[2], s[3], c * s[4] - n * s[5], n * s[4] + c * s[5]];
}

/** Julian date (TDB, or TT: they differ by < 2 ms) → ET seconds. */
export function jdToEt(jd: number): number {
  return (jd - 2_451_545.0) * DAY_S;
}

/** Perturbing bodies: the Sun and the planet-system barycentres 1–9 (DE405 has them all). */
export const PERTURBERS = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** An integrated orbit: barycentric J2000 states on an equally spaced grid. */
export interface Orbit {
  /** First grid epoch, ET seconds. */
  startEt: number;
  stepS: number;
  /** x, y, z, vx, vy, vz per grid epoch (km, km/s, SSB-centred, J2000). */
  states: Float64Array;
  count: number;
}

/**
 * Barycentric point-mass N-body propagation of a massless body. Planet positions are read from
 * the engine's loaded planetary SPK at every RK4 stage, so the perturbers move exactly as in
 * the ephemeris.
 */
export class NBodyPropagator {
  private readonly ids: readonly number[];
  private readonly gms: Float64Array;

  constructor(private readonly engine: SpiceEngine, perturbers: readonly number[] = PERTURBERS) {
    this.ids = perturbers;
    this.gms = Float64Array.from(perturbers.map((id) => GM_KM3_S2[id]!));
  }

  /** Barycentric acceleration at `et` of a body at `r` (km/s²), into `out`. */
  acceleration(et: number, x: number, y: number, z: number, out: Float64Array): void {
    let ax = 0, ay = 0, az = 0;
    for (let i = 0; i < this.ids.length; i++) {
      const p = this.engine.raw.spkgps(this.ids[i]!, et, "J2000", 0).pos as unknown as number[];
      const dx = p[0]! - x, dy = p[1]! - y, dz = p[2]! - z;
      const r2 = dx * dx + dy * dy + dz * dz;
      const f = this.gms[i]! / (r2 * Math.sqrt(r2));
      ax += f * dx;
      ay += f * dy;
      az += f * dz;
    }
    out[0] = ax;
    out[1] = ay;
    out[2] = az;
  }

  /** One classical RK4 step of `h` seconds from (et, s); returns the new state. */
  step(et: number, s: Readonly<State>, h: number): State {
    const a = new Float64Array(3);
    const k = (t: number, x: readonly number[]): number[] => {
      this.acceleration(t, x[0]!, x[1]!, x[2]!, a);
      return [x[3]!, x[4]!, x[5]!, a[0]!, a[1]!, a[2]!];
    };
    const add = (x: readonly number[], d: readonly number[], f: number) => x.map((v, i) => v + f * d[i]!);
    const k1 = k(et, s);
    const k2 = k(et + h / 2, add(s, k1, h / 2));
    const k3 = k(et + h / 2, add(s, k2, h / 2));
    const k4 = k(et + h, add(s, k3, h));
    return s.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!)) as State;
  }

  /**
   * Integrates from the barycentric state `s0` at `et0` backward and forward so that the grid
   * `et0 + j·stepS` covers [fromEt, toEt] (the grid contains et0 itself).
   */
  integrate(s0: State, et0: number, fromEt: number, toEt: number, stepS: number): Orbit {
    const back = Math.max(0, Math.ceil((et0 - fromEt) / stepS));
    const fwd = Math.max(0, Math.ceil((toEt - et0) / stepS));
    const count = back + fwd + 1;
    const states = new Float64Array(6 * count);
    states.set(s0, 6 * back);
    let s = s0;
    for (let j = 1; j <= fwd; j++) {
      s = this.step(et0 + (j - 1) * stepS, s, stepS);
      states.set(s, 6 * (back + j));
    }
    s = s0;
    for (let j = 1; j <= back; j++) {
      s = this.step(et0 - (j - 1) * stepS, s, -stepS);
      states.set(s, 6 * (back - j));
    }
    return { startEt: et0 - back * stepS, stepS, states, count };
  }

  /** State at any epoch inside the orbit's grid: one RK4 step from the nearest grid node. */
  stateAt(orbit: Orbit, et: number): State {
    const j = Math.min(orbit.count - 1, Math.max(0, Math.round((et - orbit.startEt) / orbit.stepS)));
    const node = Array.from(orbit.states.subarray(6 * j, 6 * j + 6)) as State;
    const t = orbit.startEt + j * orbit.stepS;
    return et === t ? node : this.step(t, node, et - t);
  }
}

/** Heliocentric (ecliptic J2000) elements → barycentric J2000 state at the epoch, through the planetary SPK's Sun. */
export function barycentricState(engine: SpiceEngine, el: KeplerElements): State {
  const helio = eclipticToJ2000(keplerToState(el));
  const sun = engine.raw.spkssb(10, el.epochEt, "J2000") as unknown as number[];
  return helio.map((v, i) => v + sun[i]!) as State;
}

/** Options of {@link writeType8Spk}. */
export interface SpkWriteOptions {
  /** NAIF id of the body (the demo uses 2000000 + number, like old Horizons files). */
  body: number;
  /** Segment id (≤ 40 characters). */
  segmentId: string;
  /** Lagrange interpolation degree (odd; 7 uses 8 states). */
  degree?: number;
  /** Internal file name stored in the file record (≤ 60 characters). */
  internalName?: string;
}

/**
 * Writes an orbit as one SPK type 8 segment (centre 0, J2000) with the SPICE writer routines
 * (spkopn/spkw08/spkcls into a virtual output, then readVirtualOutput) and saves it to `path`.
 */
export function writeType8Spk(engine: SpiceEngine, orbit: Orbit, path: string, opts: SpkWriteOptions): void {
  const raw = engine.raw;
  const out = { kind: "virtual-output" as const, path: `written/${opts.body}-${Math.random().toString(36).slice(2)}.bsp` };
  const handle = raw.spkopn(out, (opts.internalName ?? "SYNTHETIC DEMO SPK").slice(0, 60), 0);
  const first = orbit.startEt;
  const last = orbit.startEt + (orbit.count - 1) * orbit.stepS;
  try {
    raw.spkw08(handle, opts.body, 0, "J2000", first, last, opts.segmentId.slice(0, 40), opts.degree ?? 7, orbit.states, first, orbit.stepS);
  } finally {
    raw.spkcls(handle);
  }
  writeFileSync(path, raw.readVirtualOutput(out));
}

/** Earth Rotation Angle (IERS 2010, eq. 5.15) at a UT1 Julian date, radians. */
export function earthRotationAngle(jdUt1: number): number {
  const t = jdUt1 - 2_451_545.0;
  const f = (t % 1) + 0.779_057_273_264 + 0.002_737_811_911_354_48 * t;
  return 2 * Math.PI * (((f % 1) + 1) % 1);
}

/**
 * IAU 1976 precession angles ζ, z, θ (Lieske et al. 1977) from J2000 to the epoch, radians.
 * T = Julian centuries (TDB) since J2000.
 */
function precessionAngles(T: number): [number, number, number] {
  const as = Math.PI / 180 / 3600;
  const zeta = (2306.2181 * T + 0.30188 * T * T + 0.017998 * T ** 3) * as;
  const z = (2306.2181 * T + 1.09468 * T * T + 0.018203 * T ** 3) * as;
  const theta = (2004.3109 * T - 0.42665 * T * T - 0.041833 * T ** 3) * as;
  return [zeta, z, theta];
}

/**
 * A site fixed on the Earth, in J2000 (km): body-fixed vector rotated by the Earth Rotation
 * Angle (UT1 taken as UTC: |UT1 − UTC| < 0.9 s moves the site < 0.4 km) about the mean pole of
 * date, then by the IAU 1976 precession back to J2000. Nutation (≤ 17″, ≤ 0.5 km) and polar
 * motion are left out. Written independently of the pipeline's SPICE Earth frames, to check them.
 */
export function siteJ2000Km(itrfKm: readonly [number, number, number], jdUtc: number, etSeconds: number): [number, number, number] {
  const era = earthRotationAngle(jdUtc);
  // Equation of the origins ≈ −(precession in RA): use GMST-like angle = ERA + accumulated precession
  // by working in the mean equinox of date: sidereal angle θ = ERA − EO, EO ≈ −(ζ + z) for IAU 1976.
  const T = etSeconds / DAY_S / 36525;
  const [zeta, z, theta] = precessionAngles(T);
  const gmst = era + zeta + z;
  const [x0, y0, z0] = itrfKm;
  // Body-fixed → mean equator and equinox of date: rotate by GMST about z.
  const c = Math.cos(gmst), s = Math.sin(gmst);
  const xm = c * x0 - s * y0, ym = s * x0 + c * y0, zm = z0;
  // Mean of date → J2000: P^T = R3(ζ) R2(−θ) R3(z).
  const cz = Math.cos(z), sz = Math.sin(z);
  const x1 = cz * xm + sz * ym, y1 = -sz * xm + cz * ym, z1 = zm;
  const ct = Math.cos(theta), st = Math.sin(theta);
  const x2 = ct * x1 + st * z1, y2 = y1, z2 = -st * x1 + ct * z1;
  const cq = Math.cos(zeta), sq = Math.sin(zeta);
  return [cq * x2 + sq * y2, -sq * x2 + cq * y2, z2];
}
