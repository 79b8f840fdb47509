/**
 * A declination-zone index of star directions for cone queries: zones of fixed height, stars
 * sorted by right ascension inside each zone. Queries are exact (a final dot-product test) and
 * correct across RA 0/360 and at the poles.
 */

const DEG = Math.PI / 180;

/** Stars as unit vectors (x, y, z per star) with their RA/Dec in radians. */
export interface StarDirections {
  unit: Float64Array;
  raRad: Float64Array;
  decRad: Float64Array;
}

/**
 * Zone index. `query(center, radiusRad, visit)` calls `visit(i)` for every star within
 * `radiusRad` of the unit vector `center` (each star once).
 */
export class StarZoneIndex {
  private readonly zoneHeightRad: number;
  private readonly zoneCount: number;
  /** Start offset of each zone in `order` (length zoneCount + 1). */
  private readonly zoneStart: Int32Array;
  /** Star indices sorted by zone then RA. */
  private readonly order: Int32Array;
  /** RA of `order[k]`, for binary search. */
  private readonly sortedRa: Float64Array;

  constructor(
    private readonly stars: StarDirections,
    zoneHeightDeg = 0.05,
  ) {
    this.zoneHeightRad = zoneHeightDeg * DEG;
    this.zoneCount = Math.ceil(Math.PI / this.zoneHeightRad);
    const n = stars.raRad.length;
    const zoneOf = new Int32Array(n);
    const counts = new Int32Array(this.zoneCount + 1);
    for (let i = 0; i < n; i++) {
      zoneOf[i] = this.zone(stars.decRad[i]!);
      counts[zoneOf[i]! + 1]!++;
    }
    for (let z = 0; z < this.zoneCount; z++) counts[z + 1]! += counts[z]!;
    this.zoneStart = counts;
    const fill = counts.slice(0, this.zoneCount);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[zoneOf[i]!]!++] = i;
    for (let z = 0; z < this.zoneCount; z++) {
      const part = order.subarray(counts[z]!, counts[z + 1]!);
      part.sort((a, b) => stars.raRad[a]! - stars.raRad[b]!);
    }
    this.order = order;
    this.sortedRa = Float64Array.from(order, (i) => stars.raRad[i]!);
  }

  private zone(decRad: number): number {
    return Math.min(this.zoneCount - 1, Math.max(0, Math.floor((decRad + Math.PI / 2) / this.zoneHeightRad)));
  }

  /** Visits every star within `radiusRad` of `center` (a unit vector). */
  query(center: ArrayLike<number>, radiusRad: number, visit: (index: number) => void): void {
    const cx = center[0]!, cy = center[1]!, cz = center[2]!;
    const decC = Math.asin(Math.max(-1, Math.min(1, cz)));
    const raC = Math.atan2(cy, cx);
    const cosR = Math.cos(radiusRad);
    const decLo = decC - radiusRad, decHi = decC + radiusRad;
    // RA half-width of the cap; the whole circle when the cap reaches a pole.
    let halfRa = Math.PI;
    if (decHi < Math.PI / 2 && decLo > -Math.PI / 2) {
      const s = Math.sin(radiusRad) / Math.cos(decC);
      if (s < 1) halfRa = Math.asin(s) + 1e-12;
    }
    const unit = this.stars.unit;
    const check = (k0: number, k1: number) => {
      for (let k = k0; k < k1; k++) {
        const i = this.order[k]!;
        if (unit[3 * i]! * cx + unit[3 * i + 1]! * cy + unit[3 * i + 2]! * cz >= cosR) visit(i);
      }
    };
    for (let z = this.zone(decLo); z <= this.zone(decHi); z++) {
      const a = this.zoneStart[z]!, b = this.zoneStart[z + 1]!;
      if (a === b) continue;
      if (halfRa >= Math.PI) {
        check(a, b);
        continue;
      }
      let lo = raC - halfRa, hi = raC + halfRa;
      if (lo < 0) lo += 2 * Math.PI, hi += 2 * Math.PI;
      if (hi <= 2 * Math.PI) check(this.lowerBound(a, b, lo), this.lowerBound(a, b, hi + 1e-15));
      else {
        // The RA window crosses 0/360: two ranges.
        check(this.lowerBound(a, b, lo), b);
        check(a, this.lowerBound(a, b, hi - 2 * Math.PI + 1e-15));
      }
    }
  }

  private lowerBound(a: number, b: number, ra: number): number {
    let lo = a, hi = b;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedRa[mid]! < ra) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Unit vectors and RA/Dec (radians, RA in [0, 2π)) of directions given as unit vectors. */
export function starDirections(unit: Float64Array): StarDirections {
  const n = unit.length / 3;
  const raRad = new Float64Array(n), decRad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ra = Math.atan2(unit[3 * i + 1]!, unit[3 * i]!);
    if (ra < 0) ra += 2 * Math.PI;
    raRad[i] = ra;
    decRad[i] = Math.asin(Math.max(-1, Math.min(1, unit[3 * i + 2]!)));
  }
  return { unit, raRad, decRad };
}
