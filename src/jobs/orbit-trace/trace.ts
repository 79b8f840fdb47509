import { dirname } from "node:path";
import { catalogPath, readDesCatalog } from "../../catalog/des.js";
import type { ObservationRow } from "../../db/observations.js";
import { computeEphemeris } from "../../ephemeris/compute.js";
import type { Observer } from "../../ephemeris/observers.js";
import { observedPositions } from "../../match/observed.js";
import type { SpiceEngine } from "../../spice/engine.js";
import { KernelError } from "../../spice/errors.js";
import { smallBodyIdOfSpk } from "../../spice/ids.js";
import { desMidExposure, DES_SHUTTER_OVERHEAD_S } from "../../time/index.js";

/** One CCD to look at: exposure start (UTC), exposure time and where its catalogue is. */
export interface CcdInput {
  /** `des_ccd.id` (DES desfile_id). */
  id: number;
  /** Exposure start, UTC ISO (`DATE-OBS`, uncorrected). */
  dateObsUtc: string;
  exptimeS: number;
  /** Catalogue directory relative to the catalogue root. */
  path: string;
  /** Catalogue file name. */
  filename: string;
}

/** The legacy CCD dict of a CCD before any step ran on it (`path` as the output should show it). */
export function untracedCcd(c: CcdInput, path: string): CcdTrace {
  return {
    id: c.id,
    date_obs: c.dateObsUtc,
    exptime: c.exptimeS,
    path,
    filename: c.filename,
    date_jd: null,
    date_et: null,
    geocentric_positions: null,
    topocentric_positions: null,
    theoretical_coordinates: null,
    observed_coordinates: null,
  };
}

/** What Orbit Trace found on one CCD (the legacy CCD dict, legacy-orbit-trace.md §6). */
export interface CcdTrace {
  id: number;
  /** Exposure start, UTC ISO as given. */
  date_obs: string;
  exptime: number;
  /** Catalogue directory (absolute, as the legacy success JSON shows it). */
  path: string;
  filename: string;
  /** Mid-exposure Julian date, UTC. */
  date_jd: number | null;
  /** Mid-exposure, TDB seconds past J2000. */
  date_et: number | null;
  /** Geocentric astrometric vector (km, J2000). */
  geocentric_positions: [number, number, number] | null;
  /** Topocentric astrometric vector (km, J2000). */
  topocentric_positions: [number, number, number] | null;
  /** Predicted topocentric RA/Dec, degrees. */
  theoretical_coordinates: [number, number] | null;
  /** Matched source RA/Dec, degrees; null when nothing matched or the CCD failed. */
  observed_coordinates: [number, number] | null;
  /** O−C (arcsec): Δα·cos δ (RA wrapped), Δδ. */
  observed_omc?: [number, number];
  /** Separation of the match from the prediction, arcsec. */
  separation?: number;
  magpsf?: number | null;
  magerrpsf?: number | null;
  /** Why there is no match (not an error), e.g. "Could not find a position.". */
  info?: string;
  /** Why this CCD could not be processed (missing catalogue, time outside the SPK…). */
  error?: string;
}

/** Inputs of {@link traceAsteroid}. */
export interface TraceRequest {
  asteroid: { id: number; name: string };
  /**
   * The asteroid's SPK, loaded for this call (its NAIF id is read from the file unless
   * `targetId` is given). Without it the engine must already hold an SPK of `targetId`.
   */
  spkPath?: string;
  targetId?: number;
  ccds: readonly CcdInput[];
  observer: Observer;
  matchRadiusArcsec: number;
  /** Root the CCD `path`/`filename` are relative to. */
  catalogRoot: string;
  /** Shutter overhead added to the exposure time for mid-exposure (default 1.05 s). */
  overheadS?: number;
}

/** {@link traceAsteroid}'s answer. */
export interface TraceResult {
  /** NAIF id read from the SPK. */
  spkid: number;
  ccds: CcdTrace[];
  /** One row per matched CCD, in CCD order, ready for `des_observation`. */
  observations: ObservationRow[];
  /** Seconds spent on predicted positions (times, SPICE) and on catalogues and matching. */
  timing: { theoreticalS: number; observedS: number };
}

/** `info` of a CCD where no source lies within the radius (the legacy text). */
export const NO_MATCH_INFO = "Could not find a position.";

/** Slot the asteroid SPK is loaded under, so cycling objects never grows the engine's memory. */
const TARGET_SLOT = "orbit-trace-target";

/**
 * Orbit Trace for one asteroid on a list of CCDs, in one SPICE engine that already holds the
 * planetary SPK, the leap seconds and an Earth orientation: mid-exposure times, topocentric
 * astrometric positions (light time from the site), then the nearest catalogue source within
 * the radius on each CCD. A CCD that fails (time not covered, catalogue missing or corrupt) is
 * recorded with its reason and the others go on. Throws (naming the file) only when the SPK
 * itself cannot be used.
 */
export function traceAsteroid(engine: SpiceEngine, req: TraceRequest): TraceResult {
  if (req.spkPath === undefined && req.targetId === undefined) throw new Error(`traceAsteroid ${req.asteroid.name}: give spkPath or targetId`);
  const targetId = req.targetId ?? smallBodyIdOfSpk(req.spkPath!);
  if (req.spkPath !== undefined) engine.loadKernel(req.spkPath, { slot: TARGET_SLOT });
  if (engine.coverage(targetId).length === 0) throw new KernelError(req.spkPath ?? "(loaded kernels)", `no loaded SPK holds target ${targetId}`);
  const overhead = req.overheadS ?? DES_SHUTTER_OVERHEAD_S;
  const t0 = performance.now();

  const ccds: CcdTrace[] = req.ccds.map((c) => untracedCcd(c, ""));

  // Mid-exposure per CCD; a bad time fails that CCD only.
  const epochIndex: number[] = [];
  const ets: number[] = [];
  req.ccds.forEach((c, i) => {
    const t = ccds[i]!;
    try {
      t.path = dirname(catalogPath(req.catalogRoot, c));
      const mid = desMidExposure(engine, c.dateObsUtc, c.exptimeS, overhead);
      t.date_jd = mid.jdUtc;
      t.date_et = mid.etSeconds;
      epochIndex.push(i);
      ets.push(mid.etSeconds);
    } catch (e) {
      t.error = `Failed Compute Theoretical Positions. ${(e as Error).message}`;
    }
  });

  if (ets.length > 0) {
    const topo = computeEphemeris(engine, { targetId, etSeconds: ets, observer: req.observer, onError: "nan" });
    const geo = computeEphemeris(engine, { targetId, etSeconds: ets, observer: { kind: "geocenter" }, model: "legacy", onError: "nan" });
    const failed = new Map(topo.errors.map((e) => [e.index, e.message]));
    for (const e of geo.errors) if (!failed.has(e.index)) failed.set(e.index, e.message);
    epochIndex.forEach((ccdIndex, k) => {
      const t = ccds[ccdIndex]!;
      const err = failed.get(k);
      if (err !== undefined) {
        t.error = `Failed Compute Theoretical Positions. ${err}`;
        return;
      }
      t.geocentric_positions = vec3(geo.positionKm, k);
      t.topocentric_positions = vec3(topo.positionKm, k);
      t.theoretical_coordinates = [topo.raDeg[k]!, topo.decDeg[k]!];
    });
  }

  const t1 = performance.now();
  const observations: ObservationRow[] = [];
  req.ccds.forEach((c, i) => {
    const t = ccds[i]!;
    if (!t.theoretical_coordinates) return;
    try {
      const catalog = readDesCatalog(catalogPath(req.catalogRoot, c));
      if (catalog.count === 0) throw new Error("the catalogue holds no sources");
      const [hit] = observedPositions(catalog, [{ ccdId: c.id, raDeg: t.theoretical_coordinates[0], decDeg: t.theoretical_coordinates[1] }], req.matchRadiusArcsec);
      if (!hit) {
        t.info = NO_MATCH_INFO;
        return;
      }
      t.observed_coordinates = [hit.raDeg, hit.decDeg];
      t.observed_omc = [hit.offsetRaArcsec, hit.offsetDecArcsec];
      t.separation = hit.separationArcsec;
      t.magpsf = finiteOrNull(hit.magPsf);
      t.magerrpsf = finiteOrNull(hit.magErrPsf);
      observations.push({
        name: req.asteroid.name,
        dateObs: c.dateObsUtc,
        dateJd: t.date_jd!,
        raDeg: hit.raDeg,
        decDeg: hit.decDeg,
        offsetRaArcsec: hit.offsetRaArcsec,
        offsetDecArcsec: hit.offsetDecArcsec,
        magPsf: finiteOrNull(hit.magPsf),
        magPsfErr: finiteOrNull(hit.magErrPsf),
        ccdId: c.id,
      });
    } catch (e) {
      t.error = `Failed in match position stage with exception: ${(e as Error).message}`;
    }
  });
  return { spkid: targetId, ccds, observations, timing: { theoreticalS: (t1 - t0) / 1000, observedS: (performance.now() - t1) / 1000 } };
}

function vec3(a: Float64Array, k: number): [number, number, number] {
  return [a[3 * k]!, a[3 * k + 1]!, a[3 * k + 2]!];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
