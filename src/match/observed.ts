import { nearestSourceScan, SkyIndex, type NearestSource } from "./index-2d.js";
import { omcArcsec } from "./sphere.js";

/** Source columns to match against (a `DesCatalog` from the catalog module fits). */
export interface SourceColumns {
  raDeg: ArrayLike<number>;
  decDeg: ArrayLike<number>;
  /** Optional photometry copied to the match; NaN when absent. */
  magPsf?: ArrayLike<number>;
  magErrPsf?: ArrayLike<number>;
}

/** A predicted (computed) position on a CCD. */
export interface PredictedPosition {
  ccdId: number | string;
  raDeg: number;
  decDeg: number;
}

/** Predicted positions as parallel arrays. */
export interface PredictedColumns {
  ccdId: ArrayLike<number | string>;
  raDeg: ArrayLike<number>;
  decDeg: ArrayLike<number>;
}

/** The source matched to a predicted position. */
export interface ObservedPosition {
  ccdId: number | string;
  /** Row of the source in the catalogue. */
  index: number;
  /** Observed (catalogue) position, degrees. */
  raDeg: number;
  decDeg: number;
  /** Great-circle distance to the predicted position. */
  separationArcsec: number;
  /** O−C: Δα·cos δ_pred with Δα wrapped into (−180°, 180°]. */
  offsetRaArcsec: number;
  /** O−C: Δδ. */
  offsetDecArcsec: number;
  magPsf: number;
  magErrPsf: number;
}

export interface ObservedPositionsOptions {
  /**
   * `scan`: linear scan per probe; `index`: tangent-plane kdbush index built once;
   * `auto` (default): the index from {@link INDEX_MIN_PROBES} probes on. The index falls back to
   * the scan for an empty catalogue or one wider than 45° around its centre.
   */
  method?: "auto" | "scan" | "index";
}

/**
 * Probes per catalogue from which building a {@link SkyIndex} beats scanning: the crossover
 * measured in bench/match.bench.ts is ~80 probes for a 6,600-source CCD (scan ≈ 16 µs per probe,
 * index build ≈ 1.3 ms); both costs grow with the catalogue, so it barely moves with size.
 */
export const INDEX_MIN_PROBES = 80;

/**
 * For each predicted position, the nearest catalogue source strictly within
 * `matchRadiusArcsec` (great-circle distance), or null. NaN catalogue rows are ignored (the
 * legacy let a NaN win the argmin and lost the match); ties go to the first row. Results are
 * in the order of `predicted`.
 */
export function observedPositions(
  catalog: SourceColumns,
  predicted: readonly PredictedPosition[] | PredictedColumns,
  matchRadiusArcsec: number,
  options: ObservedPositionsOptions = {},
): Array<ObservedPosition | null> {
  if (!(matchRadiusArcsec > 0) || !Number.isFinite(matchRadiusArcsec)) {
    throw new RangeError(`observedPositions: matchRadiusArcsec must be a positive number, got ${matchRadiusArcsec}`);
  }
  const probes = Array.isArray(predicted) ? (predicted as readonly PredictedPosition[]) : undefined;
  const cols = probes ? undefined : (predicted as PredictedColumns);
  const n = probes ? probes.length : cols!.raDeg.length;
  const method = options.method ?? "auto";
  const index = method === "index" || (method === "auto" && n >= INDEX_MIN_PROBES) ? SkyIndex.build(catalog.raDeg, catalog.decDeg) : undefined;
  const out: Array<ObservedPosition | null> = new Array(n);
  for (let k = 0; k < n; k++) {
    const ccdId = probes ? probes[k]!.ccdId : cols!.ccdId[k]!;
    const ra = probes ? probes[k]!.raDeg : cols!.raDeg[k]!;
    const dec = probes ? probes[k]!.decDeg : cols!.decDeg[k]!;
    const hit: NearestSource | null = index
      ? index.nearest(ra, dec, matchRadiusArcsec)
      : nearestSourceScan(catalog.raDeg, catalog.decDeg, ra, dec, matchRadiusArcsec);
    if (!hit) {
      out[k] = null;
      continue;
    }
    const obs = { raDeg: catalog.raDeg[hit.index]!, decDeg: catalog.decDeg[hit.index]! };
    out[k] = {
      ccdId,
      index: hit.index,
      raDeg: obs.raDeg,
      decDeg: obs.decDeg,
      separationArcsec: hit.separationArcsec,
      ...omcArcsec(obs, { raDeg: ra, decDeg: dec }),
      magPsf: catalog.magPsf?.[hit.index] ?? NaN,
      magErrPsf: catalog.magErrPsf?.[hit.index] ?? NaN,
    };
  }
  return out;
}
