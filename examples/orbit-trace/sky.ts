/**
 * A SYNTHETIC DES-like sky for Orbit Trace: exposures, CCDs with field stars written as FITS
 * LDAC catalogues (`writeLdacCatalog`), and solar-system objects injected at their true
 * topocentric positions plus Gaussian astrometric noise; plus the portal tables (tno_asteroid,
 * skybot_position, des_exposure, des_ccd, des_skybotposition) that point at them.
 *
 * Nothing here is real DES data: every catalogue header says SYNTHETIC. Used by the demo
 * (examples/orbit-trace/demo.ts), the Orbit Trace tests and the benchmark.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeLdacCatalog } from "../../src/catalog/des.js";
import type { Queryable } from "../../src/db/database.js";
import { upsertAsteroids } from "../../src/db/asteroids.js";

/** A solar-system object to put in the sky. */
export interface SkyObject {
  name: string;
  number: string | null;
  dynclass: string;
  baseDynclass: string;
  /** Mean magnitude in the catalogues (PSF). */
  mag: number;
  /** Magnitudes fainter than the catalogue limit are not injected (SkyBoT still lists the CCD). */
  detected?: boolean;
}

/** One exposure centred near an object at an instant. */
export interface SkyExposure {
  /** DES expnum (des_exposure.id). */
  expnum: number;
  /** Exposure start, UTC ISO with microseconds (DATE-OBS). */
  dateObsUtc: string;
  exptimeS: number;
  band: "g" | "r" | "i" | "z" | "Y";
  /** Index in `objects` of the object on this exposure's CCD. */
  object: number;
  /** Mid-exposure (start + (exptime + 1.05 s)/2), ET seconds: where the truth is evaluated. */
  midEtSeconds: number;
  /** False: the object is not in this catalogue (chip gap, below the limit); default: the object's `detected`. */
  detected?: boolean;
}

/** The true topocentric astrometric position of object `index` at mid-exposure. */
export type TruthFn = (objectIndex: number, midEtSeconds: number, exposure: SkyExposure) => { raDeg: number; decDeg: number };

export interface SkyOptions {
  objects: readonly SkyObject[];
  exposures: readonly SkyExposure[];
  truth: TruthFn;
  /** Root of the catalogue tree (the job's des_catalog_path). */
  catalogRoot: string;
  /** Field stars per CCD (DES red-fullcat files hold a few thousand sources). */
  starsPerCcd: number;
  /** Astrometric noise of the injected objects: Gaussian, per axis (RA·cosδ and Dec), mas. */
  noiseMas: number;
  /** Field stars avoid this radius around an injected object, so the match tests astrometry, not confusion. */
  clearRadiusArcsec: number;
  seed: number;
  /** `des-like`: ~35 DES columns per row (realistic I/O); `none`: the four Orbit Trace reads. */
  columns?: "des-like" | "none";
  /** Add a second SkyBoT ticket for the first CCD of each object (the portal's duplicate-CCD case). */
  duplicateTickets?: boolean;
}

/** One CCD of the sky with what was injected on it. */
export interface SkyCcd {
  id: number;
  expnum: number;
  ccdnum: number;
  object: number;
  /** Portal path/filename (des_ccd), before the legacy catalogue rewrite. */
  portalPath: string;
  portalFilename: string;
  /** Catalogue written, relative to the catalogue root. */
  catalogFile: string;
  truth: { raDeg: number; decDeg: number };
  /** Injected O−C (arcsec): observed minus true, RA·cosδ and Dec; null when not injected. */
  injectedOmcArcsec: [number, number] | null;
}

/** What {@link buildSky} made. */
export interface Sky {
  ccds: SkyCcd[];
  sources: number;
}

/** Half sizes of a DECam CCD (2048 × 4096 px of 0.263″), degrees. */
const CCD_HALF_RA_DEG = (2048 * 0.263) / 3600 / 2;
const CCD_HALF_DEC_DEG = (4096 * 0.263) / 3600 / 2;
const DEG = Math.PI / 180;

/** Deterministic PRNG (mulberry32) with Gaussian draws (Box–Muller). */
export function rng(seed: number): { uniform: () => number; gauss: () => number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const gauss = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, gauss };
}

/** Moves (ra, dec) by (east, north) arcsec on the sky (tangent-plane offsets, exact on the sphere). */
export function offsetSky(raDeg: number, decDeg: number, eastArcsec: number, northArcsec: number): { raDeg: number; decDeg: number } {
  const xi = (eastArcsec / 3600) * DEG;
  const eta = (northArcsec / 3600) * DEG;
  const a0 = raDeg * DEG;
  const d0 = decDeg * DEG;
  const den = Math.cos(d0) - eta * Math.sin(d0);
  const ra = a0 + Math.atan2(xi, den);
  const dec = Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, den));
  return { raDeg: (((ra / DEG) % 360) + 360) % 360, decDeg: dec / DEG };
}

/** Portal-style path and file name of a CCD (des_ccd), e.g. `OPS/finalcut/Y6A1/r4001/20131028/D00247966/p01/red/immask`. */
function portalNames(expnum: number, ccdnum: number, band: string, dateObsUtc: string) {
  const nite = dateObsUtc.slice(0, 10).replaceAll("-", "");
  const d = `D${String(expnum).padStart(8, "0")}`;
  return {
    path: `OPS/finalcut/Y6A1/r4001/${nite}/${d}/p01/red/immask`,
    filename: `${d}_${band}_c${String(ccdnum).padStart(2, "0")}_r4001p01_immasked.fits`,
    catalogDir: `finalcut/Y6A1/r4001/${nite}/${d}/p01/cat`,
    catalogFile: `${d}_${band}_c${String(ccdnum).padStart(2, "0")}_r4001p01_red-fullcat.fits`,
  };
}

/**
 * Writes one synthetic catalogue per exposure (the CCD the object falls on) and returns the CCDs.
 * Field stars: uniform over the CCD, magnitudes from a power law (more faint stars) 16–23.5.
 */
export function buildSky(opts: SkyOptions): Sky {
  const r = rng(opts.seed);
  const ccds: SkyCcd[] = [];
  let sources = 0;
  for (const exp of opts.exposures) {
    const obj = opts.objects[exp.object]!;
    const truth = opts.truth(exp.object, exp.midEtSeconds, exp);
    // The CCD centre is placed so that the object falls somewhere inside it.
    const centre = offsetSky(truth.raDeg, truth.decDeg, (r.uniform() - 0.5) * 1.6 * CCD_HALF_RA_DEG * 3600, (r.uniform() - 0.5) * 1.6 * CCD_HALF_DEC_DEG * 3600);
    const ccdnum = 1 + Math.floor(r.uniform() * 62);
    const names = portalNames(exp.expnum, ccdnum, exp.band, exp.dateObsUtc);
    const n = opts.starsPerCcd;
    const ra = new Float64Array(n + 1);
    const dec = new Float64Array(n + 1);
    const mag = new Float64Array(n + 1);
    const err = new Float64Array(n + 1);
    let k = 0;
    const clearDeg = opts.clearRadiusArcsec / 3600;
    while (k < n) {
      const p = offsetSky(centre.raDeg, centre.decDeg, (2 * r.uniform() - 1) * CCD_HALF_RA_DEG * 3600, (2 * r.uniform() - 1) * CCD_HALF_DEC_DEG * 3600);
      const dRa = (p.raDeg - truth.raDeg) * Math.cos(truth.decDeg * DEG);
      if (Math.abs(dRa) < clearDeg && Math.abs(p.decDeg - truth.decDeg) < clearDeg && Math.hypot(dRa, p.decDeg - truth.decDeg) < clearDeg) continue;
      const m = 23.5 - 7.5 * Math.sqrt(r.uniform());
      ra[k] = p.raDeg;
      dec[k] = p.decDeg;
      mag[k] = m;
      err[k] = 0.003 + 0.05 * 10 ** (0.4 * (m - 23));
      k++;
    }
    let injected: [number, number] | null = null;
    if ((exp.detected ?? obj.detected) !== false) {
      const e = (r.gauss() * opts.noiseMas) / 1000;
      const nn = (r.gauss() * opts.noiseMas) / 1000;
      const o = offsetSky(truth.raDeg, truth.decDeg, e, nn);
      ra[k] = o.raDeg;
      dec[k] = o.decDeg;
      mag[k] = obj.mag + r.gauss() * 0.05;
      err[k] = 0.003 + 0.05 * 10 ** (0.4 * (obj.mag - 23));
      k++;
      // Report the injected offset as the pipeline measures it: Δα·cosδ_true (RA wrapped), Δδ.
      let dRa = o.raDeg - truth.raDeg;
      if (dRa > 180) dRa -= 360;
      if (dRa < -180) dRa += 360;
      injected = [dRa * 3600 * Math.cos(truth.decDeg * DEG), (o.decDeg - truth.decDeg) * 3600];
    }
    const dir = join(opts.catalogRoot, names.catalogDir);
    mkdirSync(dir, { recursive: true });
    writeLdacCatalog(join(dir, names.catalogFile), {
      raDeg: ra.subarray(0, k),
      decDeg: dec.subarray(0, k),
      magPsf: mag.subarray(0, k),
      magErrPsf: err.subarray(0, k),
      extraColumns: opts.columns ?? "des-like",
      imageHeader: { EXPNUM: exp.expnum, CCDNUM: ccdnum, BAND: exp.band, ORIGIN: "SYNTHETIC" },
    });
    sources += k;
    ccds.push({
      id: exp.expnum * 100 + ccdnum,
      expnum: exp.expnum,
      ccdnum,
      object: exp.object,
      portalPath: names.path,
      portalFilename: names.filename,
      catalogFile: join(names.catalogDir, names.catalogFile),
      truth,
      injectedOmcArcsec: injected,
    });
  }
  return { ccds, sources };
}

/**
 * Loads the sky into the portal tables (already migrated): tno_asteroid, skybot_position (one
 * per object and exposure, with the true position), des_exposure, des_ccd, des_skybotposition.
 */
export async function loadSky(db: Queryable, objects: readonly SkyObject[], exposures: readonly SkyExposure[], sky: Sky, options: { duplicateTickets?: boolean } = {}): Promise<void> {
  await upsertAsteroids(
    db,
    objects.map((o) => ({ name: o.name, number: o.number, dynclass: o.dynclass, base_dynclass: o.baseDynclass })),
  );
  const byExp = new Map(exposures.map((e) => [e.expnum, e]));
  await db.copyFrom(
    "des_exposure",
    ["id", "nite", "date_obs", "band", "radeg", "decdeg", "exptime", "release"],
    sky.ccds.map((c) => {
      const e = byExp.get(c.expnum)!;
      return [e.expnum, e.dateObsUtc.slice(0, 10), `${e.dateObsUtc}+00:00`, e.band, c.truth.raDeg, c.truth.decDeg, e.exptimeS, "SYNTH"];
    }),
  );
  await db.copyFrom(
    "des_ccd",
    ["id", "exposure_id", "ccdnum", "ra_cent", "dec_cent", "path", "filename"],
    sky.ccds.map((c) => [c.id, c.expnum, c.ccdnum, c.truth.raDeg, c.truth.decDeg, c.portalPath, c.portalFilename]),
  );
  const positions: unknown[][] = [];
  const links: unknown[][] = [];
  let pid = 1;
  const firstSeen = new Set<number>();
  for (const c of sky.ccds) {
    const o = objects[c.object]!;
    const tickets = options.duplicateTickets && !firstSeen.has(c.object) ? [1, 2] : [1];
    firstSeen.add(c.object);
    for (const ticket of tickets) {
      positions.push([pid, o.name, o.number, o.dynclass, o.baseDynclass, c.truth.raDeg, c.truth.decDeg, o.mag, ticket]);
      links.push([pid, c.expnum, c.id, ticket]);
      pid++;
    }
  }
  await db.copyFrom("skybot_position", ["id", "name", "number", "dynclass", "base_dynclass", "raj2000", "decj2000", "mv", "ticket"], positions as never);
  await db.copyFrom("des_skybotposition", ["position_id", "exposure_id", "ccd_id", "ticket"], links as never);
}
