import { z } from "zod";
import { utcMicrosSql, type Queryable } from "./database.js";

/** A DES CCD on which SkyBoT predicted the asteroid, with its catalogue location. */
export interface CcdRow {
  /** `des_ccd.id` (DES desfile_id). */
  id: number;
  /** Exposure start `YYYY-MM-DDTHH:MM:SS.ffffff` UTC (uncorrected; µs kept). */
  dateObsUtc: string;
  /** Exposure time, seconds. */
  exptimeS: number;
  /** Catalogue directory relative to the DES root (`OPS/` removed, `/red/immask` → `/cat`). */
  path: string;
  /** Catalogue file name (`immasked.fits` → `red-fullcat.fits`). */
  filename: string;
}

/** Inclusive UTC date range `[start, end]` (`YYYY-MM-DD`), as job.json `period`. */
export interface Period {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

/** Period → half-open UTC instants `[start 00:00, day after end 00:00)`. Throws naming the field. */
export function periodBounds(period: Period): { from: Date; to: Date } {
  const start = DateSchema.safeParse(period.start);
  const end = DateSchema.safeParse(period.end);
  if (!start.success) throw new Error(`period start ${JSON.stringify(period.start)}: must be YYYY-MM-DD`);
  if (!end.success) throw new Error(`period end ${JSON.stringify(period.end)}: must be YYYY-MM-DD`);
  const from = new Date(`${start.data}T00:00:00Z`);
  const to = new Date(new Date(`${end.data}T00:00:00Z`).getTime() + DAY_MS);
  // Date() rolls 2019-02-30 over to March; a real calendar date formats back to itself.
  for (const [field, text, d] of [["start", start.data, from], ["end", end.data, new Date(to.getTime() - DAY_MS)]] as const) {
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) throw new Error(`period ${field} "${text}": not a calendar date`);
  }
  if (to <= from) throw new Error(`period ${period.start} .. ${period.end}: end is before start`);
  return { from, to };
}

/** The legacy catalogue path rewrite: every `OPS/` removed, then `/red/immask` → `/cat`. */
export function rewriteCcdPath(path: string): string {
  return path.replaceAll("OPS/", "").replaceAll("/red/immask", "/cat");
}

/** The legacy catalogue file rewrite: `immasked.fits` → `red-fullcat.fits`. */
export function rewriteCcdFilename(filename: string): string {
  return filename.replaceAll("immasked.fits", "red-fullcat.fits");
}

/**
 * CCDs of one asteroid: the legacy 4-table join (des_skybotposition → skybot_position by name,
 * des_ccd, des_exposure), with two fixes: the job period filters `des_exposure.date_obs`
 * (inclusive days, UTC), and each CCD appears once even when several SkyBoT tickets list it.
 * Ordered by exposure time, then CCD id. Paths and file names are rewritten to the catalogue's.
 */
export async function retrieveCcds(db: Queryable, asteroidName: string, period: Period): Promise<CcdRow[]> {
  const { from, to } = periodBounds(period);
  const r = await db.query<{ id: bigint; date_obs: string; exptime: number; path: string; filename: string }>(
    `SELECT id, ${utcMicrosSql("date_obs")} AS date_obs, exptime, path, filename FROM (
       SELECT DISTINCT ON (dc.id) dc.id, de.date_obs, de.exptime, dc.path, dc.filename
         FROM des_skybotposition ds
         JOIN skybot_position sp ON ds.position_id = sp.id
         JOIN des_ccd dc ON ds.ccd_id = dc.id
         JOIN des_exposure de ON ds.exposure_id = de.id
        WHERE sp.name = $1 AND de.date_obs >= $2 AND de.date_obs < $3
        ORDER BY dc.id
     ) c ORDER BY date_obs, id`,
    [asteroidName, from, to],
  );
  return r.rows.map((c) => {
    const id = Number(c.id);
    if (!Number.isSafeInteger(id)) throw new Error(`des_ccd id ${c.id} exceeds 2^53`);
    return { id, dateObsUtc: c.date_obs, exptimeS: c.exptime, path: rewriteCcdPath(c.path), filename: rewriteCcdFilename(c.filename) };
  });
}
