import { z } from "zod";
import { utcMicrosSql, type Database, type Queryable, type SqlValue } from "./database.js";

/** `des_observation` columns in the legacy COPY order (legacy-orbit-trace.md §2.9). */
export const OBSERVATION_COLUMNS = [
  "name",
  "date_obs",
  "date_jd",
  "ra",
  "dec",
  "offset_ra",
  "offset_dec",
  "mag_psf",
  "mag_psf_err",
  "asteroid_id",
  "ccd_id",
  "created_at",
] as const;

/** One matched detection of an asteroid on a DES CCD, as written to `des_observation`. */
export interface ObservationRow {
  /** Asteroid name as in `tno_asteroid.name`. */
  name: string;
  /** Exposure start (UTC, uncorrected, as the legacy stores it): ISO string or Date. */
  dateObs: string | Date;
  /** Mid-exposure Julian date (UTC). Stored as text with full precision (portal type varchar). */
  dateJd: number;
  /** Observed (catalogue) position, degrees J2000. */
  raDeg: number;
  decDeg: number;
  /** Observed minus computed, arcsec; the RA offset includes cos(dec). */
  offsetRaArcsec: number | null;
  offsetDecArcsec: number | null;
  magPsf: number | null;
  magPsfErr: number | null;
  /** `des_ccd.id` (DES desfile_id). */
  ccdId: number | bigint;
}

const finite = z.number().finite();
const ObservationRowSchema = z.object({
  name: z.string().min(1).max(32),
  dateObs: z.union([z.string().min(1), z.date()]),
  dateJd: finite,
  raDeg: finite.min(0).max(360),
  decDeg: finite.min(-90).max(90),
  offsetRaArcsec: finite.nullable(),
  offsetDecArcsec: finite.nullable(),
  magPsf: finite.nullable(),
  magPsfErr: finite.nullable(),
  ccdId: z.union([z.number().int().nonnegative(), z.bigint().nonnegative()]),
});

/**
 * Replaces every `des_observation` row of one asteroid: DELETE by `asteroid_id`, then COPY the
 * new rows, in ONE transaction. If anything fails (a bad row, a duplicate CCD, the connection)
 * the previous rows stay as they were. Rows are validated before the database is touched; the
 * asteroid must exist in `tno_asteroid`; two rows on the same CCD violate
 * UNIQUE(asteroid_id, ccd_id) and abort the whole replacement.
 * `createdAt` (default now) is the same for all rows, as in the legacy. Returns the rows written.
 */
export async function replaceObservations(
  db: Database,
  asteroidId: number,
  rows: readonly ObservationRow[],
  createdAt: Date = new Date(),
): Promise<number> {
  if (!Number.isSafeInteger(asteroidId)) throw new Error(`replaceObservations: asteroidId ${asteroidId} is not an integer`);
  rows.forEach((row, i) => {
    const r = ObservationRowSchema.safeParse(row);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`observation ${i} of asteroid ${asteroidId}: ${issue.path.join(".")}: ${issue.message}`);
    }
  });
  return db.transaction(async (tx) => {
    // What the portal's foreign key did per row, once per asteroid: the asteroid must exist, and
    // FOR KEY SHARE keeps it from being deleted until this transaction ends.
    const found = await tx.query("SELECT 1 FROM tno_asteroid WHERE id = $1 FOR KEY SHARE", [asteroidId]);
    if (found.rows.length === 0) throw new Error(`replaceObservations: asteroid id ${asteroidId} is not in tno_asteroid`);
    await tx.query("DELETE FROM des_observation WHERE asteroid_id = $1", [asteroidId]);
    return copyObservations(tx, asteroidId, rows, createdAt);
  });
}

/** COPY rows of one asteroid into `des_observation` (no DELETE; use inside a transaction). */
export function copyObservations(tx: Queryable, asteroidId: number, rows: readonly ObservationRow[], createdAt: Date): Promise<number> {
  return tx.copyFrom(
    "des_observation",
    OBSERVATION_COLUMNS,
    rows.map((r): SqlValue[] => [
      r.name,
      r.dateObs,
      // Full round-trip repr, like pandas' float repr in the legacy CSV.
      String(r.dateJd),
      r.raDeg,
      r.decDeg,
      r.offsetRaArcsec,
      r.offsetDecArcsec,
      r.magPsf,
      r.magPsfErr,
      asteroidId,
      r.ccdId,
      createdAt,
    ]),
  );
}

/** A `des_observation` row read back. */
export interface StoredObservation extends ObservationRow {
  id: bigint;
  asteroidId: number;
  /** Exposure start as `YYYY-MM-DDTHH:MM:SS.ffffff` UTC (microseconds kept). */
  dateObs: string;
  ccdId: bigint;
  createdAt: Date;
}

/** Observations of one asteroid, ordered by mid-exposure time then CCD. */
export async function observationsOfAsteroid(db: Queryable, asteroidId: number): Promise<StoredObservation[]> {
  const r = await db.query<{
    id: bigint;
    asteroid_id: number;
    name: string;
    date_obs: string;
    date_jd: string;
    ra: number;
    dec: number;
    offset_ra: number | null;
    offset_dec: number | null;
    mag_psf: number | null;
    mag_psf_err: number | null;
    ccd_id: bigint;
    created_at: Date;
  }>(
    `SELECT id, asteroid_id, name, ${utcMicrosSql("date_obs")} AS date_obs, date_jd, ra, dec, offset_ra, offset_dec,
            mag_psf, mag_psf_err, ccd_id, created_at
       FROM des_observation WHERE asteroid_id = $1 ORDER BY date_jd::double precision, ccd_id`,
    [asteroidId],
  );
  return r.rows.map((o) => ({
    id: o.id,
    asteroidId: o.asteroid_id,
    name: o.name,
    dateObs: o.date_obs,
    dateJd: Number(o.date_jd),
    raDeg: o.ra,
    decDeg: o.dec,
    offsetRaArcsec: o.offset_ra,
    offsetDecArcsec: o.offset_dec,
    magPsf: o.mag_psf,
    magPsfErr: o.mag_psf_err,
    ccdId: o.ccd_id,
    createdAt: o.created_at,
  }));
}
