import KDBush from "kdbush";
import { separationArcsec } from "./sphere.js";

const DEG = Math.PI / 180;
const ARCSEC = DEG / 3600;
/** Sources farther than this from the tangent point make the catalogue too wide to index. */
const MAX_FIELD_RADIUS_DEG = 45;
/** Relative margin on the plane search radius, on top of the exact gnomonic stretch bound. */
const RADIUS_MARGIN = 1e-6;

/** Nearest source found by a search. */
export interface NearestSource {
  /** Row of the source in the catalogue. */
  index: number;
  separationArcsec: number;
}

/**
 * A 2-D index of a small-field catalogue (one CCD, one exposure) on its gnomonic tangent plane,
 * backed by kdbush. Worth building when one catalogue gets many probes; for a single probe a
 * linear scan ({@link nearestSourceScan}) is faster than the build.
 *
 * Gnomonic distances are stretched by between sec θ and sec² θ at θ from the tangent point,
 * never shrunk, so a plane search of radius r·sec²(θ+r) finds every source within r; each
 * candidate is then checked with the exact great-circle separation.
 */
export class SkyIndex {
  private constructor(
    private readonly tree: KDBush,
    /** Catalogue row of each indexed point (NaN rows are left out). */
    private readonly rows: Uint32Array,
    private readonly raDeg: ArrayLike<number>,
    private readonly decDeg: ArrayLike<number>,
    private readonly ra0: number,
    private readonly sinDec0: number,
    private readonly cosDec0: number,
  ) {}

  /**
   * Builds the index, or returns undefined when no row is finite or a source lies more than
   * 45° from the field centre (use a scan then).
   */
  static build(raDeg: ArrayLike<number>, decDeg: ArrayLike<number>): SkyIndex | undefined {
    const n = Math.min(raDeg.length, decDeg.length);
    let x = 0;
    let y = 0;
    let z = 0;
    let finite = 0;
    for (let i = 0; i < n; i++) {
      const a = raDeg[i]! * DEG;
      const d = decDeg[i]! * DEG;
      if (!Number.isFinite(a) || !Number.isFinite(d)) continue;
      const cd = Math.cos(d);
      x += cd * Math.cos(a);
      y += cd * Math.sin(a);
      z += Math.sin(d);
      finite++;
    }
    const norm = Math.hypot(x, y, z);
    if (finite === 0 || norm === 0) return undefined;
    const ra0 = Math.atan2(y, x);
    const dec0 = Math.asin(z / norm);
    const sinDec0 = Math.sin(dec0);
    const cosDec0 = Math.cos(dec0);
    const cosMax = Math.cos(MAX_FIELD_RADIUS_DEG * DEG);
    const tree = new KDBush(finite);
    const rows = new Uint32Array(finite);
    for (let i = 0; i < n; i++) {
      const a = raDeg[i]! * DEG;
      const d = decDeg[i]! * DEG;
      if (!Number.isFinite(a) || !Number.isFinite(d)) continue;
      const p = project(a, d, ra0, sinDec0, cosDec0);
      if (p.cosC < cosMax) return undefined;
      rows[tree.add(p.xi, p.eta)] = i;
    }
    tree.finish();
    return new SkyIndex(tree, rows, raDeg, decDeg, ra0, sinDec0, cosDec0);
  }

  /** Nearest source strictly within `radiusArcsec` of (raDeg, decDeg); ties go to the lower row. */
  nearest(raDeg: number, decDeg: number, radiusArcsec: number): NearestSource | null {
    if (!Number.isFinite(raDeg) || !Number.isFinite(decDeg) || !(radiusArcsec > 0)) return null;
    const r = radiusArcsec * ARCSEC;
    const p = project(raDeg * DEG, decDeg * DEG, this.ra0, this.sinDec0, this.cosDec0);
    const theta = Math.acos(Math.min(1, p.cosC));
    // No indexed source is farther than MAX_FIELD_RADIUS from the tangent point.
    if (theta - r > MAX_FIELD_RADIUS_DEG * DEG) return null;
    const sec = 1 / Math.cos(Math.min(theta + r, Math.PI / 2 - 1e-9));
    const candidates = this.tree.within(p.xi, p.eta, r * sec * sec * (1 + RADIUS_MARGIN));
    let best = -1;
    let bestSep = Infinity;
    for (const id of candidates) {
      const row = this.rows[id]!;
      const sep = separationArcsec(raDeg, decDeg, this.raDeg[row]!, this.decDeg[row]!);
      if (sep < radiusArcsec && (sep < bestSep || (sep === bestSep && row < best))) {
        best = row;
        bestSep = sep;
      }
    }
    return best < 0 ? null : { index: best, separationArcsec: bestSep };
  }
}

/** Gnomonic projection about (ra0, dec0); angles in radians. */
function project(a: number, d: number, ra0: number, sinDec0: number, cosDec0: number) {
  const sd = Math.sin(d);
  const cd = Math.cos(d);
  const cda = Math.cos(a - ra0);
  const cosC = sinDec0 * sd + cosDec0 * cd * cda;
  return { xi: (cd * Math.sin(a - ra0)) / cosC, eta: (cosDec0 * sd - sinDec0 * cd * cda) / cosC, cosC };
}

/**
 * Nearest source strictly within `radiusArcsec` by a linear scan with a declination-band
 * prefilter (the separation is never less than |Δδ|). NaN rows are skipped; ties go to the
 * lower row. The fastest choice for one probe against a ~5,000-source CCD catalogue.
 */
export function nearestSourceScan(raDeg: ArrayLike<number>, decDeg: ArrayLike<number>, probeRaDeg: number, probeDecDeg: number, radiusArcsec: number): NearestSource | null {
  if (!Number.isFinite(probeRaDeg) || !Number.isFinite(probeDecDeg) || !(radiusArcsec > 0)) return null;
  const n = Math.min(raDeg.length, decDeg.length);
  // A hair wider than the radius, so rounding in |Δδ| never rejects a source the exact test keeps.
  const band = (radiusArcsec / 3600) * (1 + 1e-9) + 1e-12;
  let best = -1;
  let bestSep = Infinity;
  for (let i = 0; i < n; i++) {
    const d = decDeg[i]!;
    // Written so that NaN fails the test and is skipped.
    if (!(Math.abs(d - probeDecDeg) <= band)) continue;
    const sep = separationArcsec(probeRaDeg, probeDecDeg, raDeg[i]!, d);
    if (sep < bestSep) {
      best = i;
      bestSep = sep;
    }
  }
  return best >= 0 && bestSep < radiusArcsec ? { index: best, separationArcsec: bestSep } : null;
}
