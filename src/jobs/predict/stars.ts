/**
 * Stars along an object's path from the database (`gaia_dr3_source`): cone queries along the
 * path, set-based in one statement, with q3c on PostgreSQL and declination zones elsewhere
 * (PGlite); and `import-stars`, which loads a catalogue file into that table.
 */
import { readStarCatalog, starsFromRecords, type Star, type StarCatalogOptions } from "../../catalog/gaia.js";
import { quoteIdent, type Database } from "../../db/database.js";
import { GAIA_ZONE_HEIGHT_DEG } from "../../db/migrations.js";

const DEG = Math.PI / 180;
/** The Gaia star table of the project's schema. */
export const GAIA_TABLE = "gaia_dr3_source";
const STAR_COLUMNS = [
  "source_id", "ra", "dec", "ra_error", "dec_error", "parallax", "parallax_error", "pmra", "pmra_error", "pmdec", "pmdec_error",
  "duplicated_source", "phot_g_mean_mag", "ref_epoch",
] as const;

/** A cone on the sky (degrees). */
export interface Cone {
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
}

/**
 * Cones covering a path (unit vectors x,y,z per sample) widened by `radiusDeg`: consecutive
 * samples are grouped while they stay within `chunkDeg` of the group's first sample; each group
 * gives one cone around its middle sample.
 */
export function pathCones(unit: Float64Array, radiusDeg: number, chunkDeg = 0.05): Cone[] {
  const n = unit.length / 3;
  const cones: Cone[] = [];
  const cosChunk = Math.cos(chunkDeg * DEG);
  let a = 0;
  while (a < n) {
    let b = a;
    while (b + 1 < n && dotAt(unit, a, b + 1) >= cosChunk) b++;
    const m = (a + b) >> 1;
    let far = 0;
    for (let k = a; k <= b; k++) far = Math.max(far, Math.acos(Math.min(1, dotAt(unit, m, k))));
    const x = unit[3 * m]!, y = unit[3 * m + 1]!, z = unit[3 * m + 2]!;
    let ra = Math.atan2(y, x) / DEG;
    if (ra < 0) ra += 360;
    cones.push({ raDeg: ra, decDeg: Math.asin(Math.max(-1, Math.min(1, z))) / DEG, radiusDeg: far / DEG + radiusDeg });
    a = b + 1;
  }
  return cones;
}

function dotAt(u: Float64Array, i: number, j: number): number {
  return u[3 * i]! * u[3 * j]! + u[3 * i + 1]! * u[3 * j + 1]! + u[3 * i + 2]! * u[3 * j + 2]!;
}

/** Declination-zone rows (zone, RA range in [0, 360]) covering a cone, split at RA 0/360. */
export function coneZones(cone: Cone, zoneHeightDeg = GAIA_ZONE_HEIGHT_DEG): Array<[number, number, number]> {
  const lo = cone.decDeg - cone.radiusDeg, hi = cone.decDeg + cone.radiusDeg;
  const z0 = Math.max(0, Math.floor((Math.max(-90, lo) + 90) / zoneHeightDeg));
  const z1 = Math.floor((Math.min(90, hi) + 90) / zoneHeightDeg);
  let half = 180;
  if (hi < 90 && lo > -90) {
    const s = Math.sin(cone.radiusDeg * DEG) / Math.cos(Math.max(Math.abs(lo), Math.abs(hi)) * DEG);
    if (s < 1) half = Math.asin(s) / DEG + 1e-9;
  }
  const ranges: Array<[number, number]> = [];
  if (half >= 180) ranges.push([0, 360]);
  else {
    const a = cone.raDeg - half, b = cone.raDeg + half;
    if (a < 0) ranges.push([a + 360, 360], [0, b]);
    else if (b > 360) ranges.push([a, 360], [0, b - 360]);
    else ranges.push([a, b]);
  }
  const rows: Array<[number, number, number]> = [];
  for (let z = z0; z <= z1; z++) for (const [a, b] of ranges) rows.push([z, a, b]);
  return rows;
}

/** How to search the table: q3c (PostgreSQL with the extension), declination zones, or the best available. */
export type SpatialMethod = "auto" | "q3c" | "zones";

/** True when q3c's functions answer in this database. */
export async function hasQ3c(db: Database): Promise<boolean> {
  if (!(await db.hasExtension("q3c"))) return false;
  try {
    await db.query("SELECT q3c_ang2ipix(0.0::float8, 0.0::float8)");
    return true;
  } catch {
    return false;
  }
}

export interface StarQueryOptions {
  table?: string;
  magLimit?: number;
  method?: SpatialMethod;
  /** Used when the table has no ref_epoch values (it has a DR3 default). */
  catalog?: StarCatalogOptions;
}

/**
 * Stars of the table inside any of the cones, each once, in one statement: `q3c_join` against
 * the unnested cone list on PostgreSQL with q3c; otherwise an index range on (dec_zone, ra) per
 * zone row of each cone, then the exact cone test. Correct across RA 0/360 and at the poles.
 */
export async function queryStarsInCones(db: Database, cones: readonly Cone[], options: StarQueryOptions = {}): Promise<{ stars: Star[]; method: "q3c" | "zones" }> {
  const table = quoteIdent(options.table ?? GAIA_TABLE);
  const method = options.method === "zones" ? "zones" : options.method === "q3c" || (await hasQ3c(db)) ? "q3c" : "zones";
  if (cones.length === 0) return { stars: [], method };
  const cols = STAR_COLUMNS.map((c) => (c === "source_id" ? "s.source_id::text AS source_id" : `s.${quoteIdent(c)}`)).join(", ");
  const mag = options.magLimit ?? null;
  let rows: Array<Record<string, unknown>>;
  if (method === "q3c") {
    const r = await db.query(
      `SELECT DISTINCT ON (s.source_id) ${cols}
         FROM unnest($1::float8[], $2::float8[], $3::float8[]) AS c(ra, dec, r)
         JOIN ${table} s ON q3c_join(c.ra, c.dec, s.ra, s.dec, c.r)
        WHERE ($4::float8 IS NULL OR s.phot_g_mean_mag <= $4)
        ORDER BY s.source_id`,
      [cones.map((c) => c.raDeg), cones.map((c) => c.decDeg), cones.map((c) => c.radiusDeg), mag],
    );
    rows = r.rows;
  } else {
    const zones = cones.flatMap((c) => coneZones(c));
    const r = await db.query(
      `SELECT DISTINCT ON (s.source_id) ${cols}
         FROM unnest($1::int[], $2::float8[], $3::float8[]) AS z(zone, lo, hi)
         JOIN ${table} s ON s.dec_zone = z.zone AND s.ra BETWEEN z.lo AND z.hi
        WHERE ($4::float8 IS NULL OR s.phot_g_mean_mag <= $4)
        ORDER BY s.source_id`,
      [zones.map((z) => z[0]), zones.map((z) => z[1]), zones.map((z) => z[2]), mag],
    );
    // The zone rows are boxes around the cones: keep what is inside a cone.
    const cu = cones.map((c) => ({ u: unitOf(c.raDeg, c.decDeg), cosR: Math.cos(c.radiusDeg * DEG) }));
    rows = r.rows.filter((row) => {
      const u = unitOf(Number(row.ra), Number(row.dec));
      return cu.some((c) => u[0] * c.u[0] + u[1] * c.u[1] + u[2] * c.u[2] >= c.cosR);
    });
  }
  if (rows.length === 0) return { stars: [], method };
  return { stars: starsFromRecords(rows, { source: options.table ?? GAIA_TABLE, ...options.catalog }).stars, method };
}

function unitOf(raDeg: number, decDeg: number): [number, number, number] {
  const a = raDeg * DEG, d = decDeg * DEG;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

/**
 * Loads a star catalogue file (CSV, ECSV, VOTable with Gaia columns) into `gaia_dr3_source`,
 * inserting or updating on `source_id`, in one transaction. Returns the rows written.
 */
export async function importStars(db: Database, file: string, options: StarCatalogOptions & { table?: string } = {}): Promise<number> {
  const { table = GAIA_TABLE, ...catalogOptions } = options;
  const { stars } = readStarCatalog(file, catalogOptions);
  const t = quoteIdent(table);
  const stage = `${table.replace(/\W/g, "_")}_import_stage`;
  const cols = STAR_COLUMNS.map((c) => quoteIdent(c)).join(", ");
  const updates = STAR_COLUMNS.filter((c) => c !== "source_id").map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ");
  return db.transaction(async (tx) => {
    await tx.query(`CREATE TEMP TABLE ${quoteIdent(stage)} ON COMMIT DROP AS SELECT ${cols} FROM ${t} WITH NO DATA`);
    await tx.copyFrom(
      stage,
      [...STAR_COLUMNS],
      stars.map((s) => [s.sourceId, s.raDeg, s.decDeg, s.raErrorMas, s.decErrorMas, s.parallaxMas, s.parallaxErrorMas, s.pmraMasPerYr, s.pmraErrorMasPerYr, s.pmdecMasPerYr, s.pmdecErrorMasPerYr, s.duplicatedSource, s.gMag, s.refEpochYr]),
    );
    const r = await tx.query(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${quoteIdent(stage)} ON CONFLICT (source_id) DO UPDATE SET ${updates}`);
    return r.rowCount;
  });
}
