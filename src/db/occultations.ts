import type { Database, SqlValue } from "./database.js";

/**
 * Writable `tno_occultation` columns (legacy-predict-occultation.md §3.3; `id`, `created_at` and
 * `updated_at` are managed by the database).
 */
export const OCCULTATION_COLUMNS = [
  "hash_id", "name", "number", "principal_designation", "alias", "base_dynclass", "dynclass",
  "astorb_dynbaseclass", "astorb_dynsubclass", "asteroid_id", "date_time", "gaia_source_id",
  "ra_star_candidate", "dec_star_candidate", "ra_target", "dec_target", "closest_approach",
  "position_angle", "velocity", "delta", "g_star", "j_star", "h_star", "k_star", "long", "loc_t",
  "off_ra", "off_dec", "proper_motion", "ct", "multiplicity_flag", "e_ra", "e_dec", "pmra", "pmdec",
  "ra_star_deg", "dec_star_deg", "ra_target_deg", "dec_target_deg", "magnitude_drop",
  "apparent_magnitude", "apparent_diameter", "event_duration", "moon_separation", "sun_elongation",
  "instant_uncertainty", "closest_approach_uncertainty", "closest_approach_uncertainty_km",
  "moon_illuminated_fraction", "probability_of_centrality", "g_mag_vel_corrected",
  "rp_mag_vel_corrected", "h_mag_vel_corrected", "ra_star_with_pm", "dec_star_with_pm",
  "ra_star_to_date", "dec_star_to_date", "ra_target_apparent", "dec_target_apparent", "e_ra_target",
  "e_dec_target", "ephemeris_version", "have_path_coeff", "occ_path_min_longitude",
  "occ_path_max_longitude", "occ_path_min_latitude", "occ_path_max_latitude", "occ_path_is_nightside",
  "occ_path_coeff", "h", "g", "epoch", "semimajor_axis", "eccentricity", "inclination",
  "long_asc_node", "arg_perihelion", "mean_anomaly", "mean_daily_motion", "perihelion", "aphelion",
  "rms", "last_obs_included", "pha_flag", "mpc_critical_list", "albedo", "albedo_err_min",
  "albedo_err_max", "density", "density_err_min", "density_err_max", "diameter", "diameter_err_min",
  "diameter_err_max", "mass", "mass_err_min", "mass_err_max", "catalog", "predict_step", "bsp_source",
  "obs_source", "orb_ele_source", "bsp_planetary", "leap_seconds", "nima", "job_id",
] as const;
export type OccultationColumn = (typeof OCCULTATION_COLUMNS)[number];

/** Columns without a default that every new event needs. */
const REQUIRED = ["hash_id", "name", "date_time", "ra_star_candidate", "dec_star_candidate", "ra_target", "dec_target"] as const;

/**
 * One predicted event keyed by `tno_occultation` column names (the `occultation_table.csv`
 * header). Omitted columns keep their default on insert and their stored value on update.
 */
export type OccultationRow = {
  hash_id: string;
  name: string;
  /** Closest-approach instant (UTC). A string without a zone is read as UTC. */
  date_time: Date | string;
  ra_star_candidate: string;
  dec_star_candidate: string;
  ra_target: string;
  dec_target: string;
} & { [K in OccultationColumn]?: SqlValue };

const KNOWN = new Set<string>(OCCULTATION_COLUMNS);
const HASH_ID_MAX = 26;

/**
 * Inserts or updates events on `hash_id` (the portal's `ON CONFLICT ON CONSTRAINT
 * tno_occultation_hash_id_key DO UPDATE`), in one transaction: all rows or none. `updated_at`
 * becomes now() on update. When the input repeats a `hash_id`, the last row wins.
 * Returns the number of distinct events written.
 */
export async function upsertOccultations(db: Database, rows: readonly OccultationRow[]): Promise<number> {
  const byHash = new Map<string, OccultationRow>();
  rows.forEach((row, i) => {
    for (const key of Object.keys(row)) {
      if (!KNOWN.has(key)) throw new Error(`occultation ${i}: unknown column '${key}' (not in tno_occultation)`);
    }
    for (const key of REQUIRED) {
      const v = row[key];
      if (v === null || v === undefined || v === "") throw new Error(`occultation ${i}: '${key}' is required`);
    }
    if (row.hash_id.length > HASH_ID_MAX) throw new Error(`occultation ${i}: hash_id '${row.hash_id}' is longer than ${HASH_ID_MAX} characters`);
    byHash.delete(row.hash_id); // last wins, at its own position
    byHash.set(row.hash_id, row);
  });
  if (byHash.size === 0) return 0;
  // Rows that give different columns are written in separate statements, so that a column a
  // row omits keeps its default (insert) or stored value (update) instead of becoming NULL.
  const groups = new Map<string, { columns: OccultationColumn[]; rows: OccultationRow[] }>();
  for (const row of byHash.values()) {
    const columns = OCCULTATION_COLUMNS.filter((c) => row[c] !== undefined);
    const key = columns.join(",");
    const group = groups.get(key) ?? groups.set(key, { columns, rows: [] }).get(key)!;
    group.rows.push(row);
  }
  return db.transaction(async (tx) => {
    let written = 0;
    for (const { columns, rows: groupRows } of groups.values()) {
      const list = columns.map((c) => `"${c}"`).join(", ");
      const updates = columns.filter((c) => c !== "hash_id").map((c) => `"${c}" = EXCLUDED."${c}"`);
      // Stage with COPY (fast, one round trip), then one set-based upsert.
      await tx.query(`CREATE TEMP TABLE tno_occultation_stage ON COMMIT DROP AS SELECT ${list} FROM tno_occultation WITH NO DATA`);
      await tx.copyFrom("tno_occultation_stage", columns, groupRows.map((r) => columns.map((c) => r[c] ?? null)));
      const r = await tx.query(
        `INSERT INTO tno_occultation (${list}) SELECT ${list} FROM tno_occultation_stage
         ON CONFLICT ON CONSTRAINT tno_occultation_hash_id_key DO UPDATE SET ${[...updates, "updated_at = now()"].join(", ")}`,
      );
      await tx.query("DROP TABLE tno_occultation_stage");
      written += r.rowCount;
    }
    return written;
  });
}
