/**
 * Versioned schema migrations with LIneA portal table names and types (Django models of
 * `linea-it/tno`, see legacy-orbit-trace.md §3 and legacy-predict-occultation.md §3.3–3.4).
 *
 * Every statement is `IF NOT EXISTS`, so `migrate` is idempotent and harmless on the portal's own
 * database, where the tables already exist. Columns the pipelines never read are nullable here
 * (NOT NULL in some portal models) so that partial exports of the portal tables import.
 */
import type { Database, Queryable } from "./database.js";

/** One schema step. `up` is a SQL script or a function for steps that depend on the server. */
export interface Migration {
  version: number;
  name: string;
  up: string | ((tx: Queryable) => Promise<void>);
}

/** Height of the declination zones of `gaia_dr3_source.dec_zone` (degrees). */
export const GAIA_ZONE_HEIGHT_DEG = 0.1;
/**
 * SQL expression of a star's declination zone: `floor((dec + 90) / 0.1)`, 0 at the south pole.
 * Strip queries without q3c filter on `dec_zone BETWEEN z1 AND z2` (index `(dec_zone, ra)`).
 */
export const GAIA_DEC_ZONE_SQL = `floor((dec + 90.0) / ${GAIA_ZONE_HEIGHT_DEG})::integer`;

const ORBIT_TRACE_TABLES = `
CREATE TABLE IF NOT EXISTS tno_asteroid (
  id serial PRIMARY KEY,
  name varchar(32) NOT NULL,
  number varchar(35),
  base_dynclass varchar(24),
  dynclass varchar(24),
  CONSTRAINT tno_asteroid_name_key UNIQUE (name)
);
-- varchar_pattern_ops serves "dynclass LIKE 'MB>Hilda>%'" (subclass filter) in any collation.
CREATE INDEX IF NOT EXISTS tno_asteroid_dynclass_idx ON tno_asteroid (dynclass varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS tno_asteroid_base_dynclass_idx ON tno_asteroid (base_dynclass);

-- SkyBoT cone-search results over DES exposures (portal app "skybot", model Position).
CREATE TABLE IF NOT EXISTS skybot_position (
  id bigserial PRIMARY KEY,
  name varchar(32) NOT NULL,
  number varchar(35),
  dynclass varchar(24),
  base_dynclass varchar(24),
  ra varchar(20),
  dec varchar(20),
  raj2000 double precision,
  decj2000 double precision,
  mv double precision,
  errpos double precision,
  d double precision,
  dracosdec double precision,
  ddec double precision,
  dgeo double precision,
  dhelio double precision,
  phase double precision,
  solelong double precision,
  px double precision,
  py double precision,
  pz double precision,
  vx double precision,
  vy double precision,
  vz double precision,
  jdref double precision,
  ticket bigint NOT NULL DEFAULT 0,
  created timestamptz DEFAULT now(),
  skybot_job integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS skybot_position_name_idx ON skybot_position (name);
CREATE INDEX IF NOT EXISTS skybot_position_ticket_idx ON skybot_position (ticket);

-- id = DES expnum.
CREATE TABLE IF NOT EXISTS des_exposure (
  id bigint PRIMARY KEY,
  nite date,
  date_obs timestamptz NOT NULL,
  pfw_attempt_id bigint DEFAULT 0,
  band varchar(1),
  radeg double precision,
  decdeg double precision,
  exptime double precision NOT NULL,
  cloud_apass double precision,
  cloud_nomad double precision,
  t_eff double precision,
  release varchar(10)
);
CREATE INDEX IF NOT EXISTS des_exposure_date_obs_idx ON des_exposure (date_obs);
CREATE INDEX IF NOT EXISTS des_exposure_nite_idx ON des_exposure (nite);

-- id = DES desfile_id.
CREATE TABLE IF NOT EXISTS des_ccd (
  id bigint PRIMARY KEY,
  exposure_id bigint NOT NULL REFERENCES des_exposure (id) ON DELETE CASCADE,
  ccdnum integer,
  ra_cent double precision,
  dec_cent double precision,
  rac1 double precision,
  rac2 double precision,
  rac3 double precision,
  rac4 double precision,
  decc1 double precision,
  decc2 double precision,
  decc3 double precision,
  decc4 double precision,
  crossra0 boolean DEFAULT false,
  racmin double precision,
  racmax double precision,
  deccmin double precision,
  deccmax double precision,
  ra_size numeric(10, 7),
  dec_size numeric(10, 7),
  path text NOT NULL,
  filename varchar(256) NOT NULL,
  compression varchar(5)
);
CREATE INDEX IF NOT EXISTS des_ccd_exposure_id_idx ON des_ccd (exposure_id);
CREATE INDEX IF NOT EXISTS des_ccd_filename_idx ON des_ccd (filename);

-- Join hub: which SkyBoT position falls on which CCD of which exposure.
CREATE TABLE IF NOT EXISTS des_skybotposition (
  id bigserial PRIMARY KEY,
  position_id bigint NOT NULL REFERENCES skybot_position (id) ON DELETE CASCADE,
  exposure_id bigint NOT NULL REFERENCES des_exposure (id) ON DELETE CASCADE,
  ccd_id bigint NOT NULL REFERENCES des_ccd (id) ON DELETE CASCADE,
  ticket bigint NOT NULL DEFAULT 0,
  CONSTRAINT des_skybotposition_position_exposure_ccd_key UNIQUE (position_id, exposure_id, ccd_id)
);
CREATE INDEX IF NOT EXISTS des_skybotposition_exposure_id_idx ON des_skybotposition (exposure_id);
CREATE INDEX IF NOT EXISTS des_skybotposition_ccd_id_idx ON des_skybotposition (ccd_id);

-- Orbit Trace output. ccd_id is bigint like des_ccd.id; the portal declares it int4, which holds
-- today's desfile_ids (~1.3e9) but not ids past 2^31. No FK on ccd_id, as in the portal: the
-- direct mode writes observations of CCDs that are not in des_ccd. No FK on asteroid_id either
-- (the portal has one): its per-row check cost about 40 % of COPY time (bench/RESULTS.md), and
-- replaceObservations checks and locks the asteroid row once per asteroid instead.
-- date_obs is the exposure START (uncorrected); date_jd (varchar in the portal) is mid-exposure.
-- offset_ra/offset_dec are O-C in arcsec (offset_ra includes cos(dec)).
CREATE TABLE IF NOT EXISTS des_observation (
  id bigserial PRIMARY KEY,
  asteroid_id integer NOT NULL,
  ccd_id bigint NOT NULL,
  name varchar(32) NOT NULL,
  date_obs timestamptz NOT NULL,
  date_jd varchar(50) NOT NULL,
  ra double precision NOT NULL,
  dec double precision NOT NULL,
  offset_ra double precision,
  offset_dec double precision,
  mag_psf double precision,
  mag_psf_err double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT des_observation_asteroid_id_ccd_id_key UNIQUE (asteroid_id, ccd_id)
);
CREATE INDEX IF NOT EXISTS des_observation_name_idx ON des_observation (name);

-- Status 1 Idle, 2 Running, 3 Completed, 4 Failed, 5 Aborted, 6 Warning, 7 Aborting.
-- owner_id, bsp_planetary_id and leap_seconds_id are FKs in the portal (auth_user,
-- tno_bspplanetary, tno_leapsecond); this tool carries kernel paths in job.json instead.
CREATE TABLE IF NOT EXISTS des_orbittracejob (
  id serial PRIMARY KEY,
  owner_id integer,
  status integer NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 7),
  submit_time timestamptz NOT NULL DEFAULT now(),
  start timestamptz,
  "end" timestamptz,
  exec_time interval,
  estimated_execution_time interval,
  bsp_planetary_id integer,
  leap_seconds_id integer,
  date_initial date,
  date_final date,
  match_radius double precision,
  filter_type varchar(15),
  filter_value text,
  count_asteroids integer DEFAULT 0,
  count_ccds integer DEFAULT 0,
  count_observations integer DEFAULT 0,
  count_success integer DEFAULT 0,
  count_failures integer DEFAULT 0,
  h_exec_time varchar(100),
  debug boolean NOT NULL DEFAULT false,
  path varchar(2048),
  results varchar(2048),
  error text,
  traceback text,
  avg_exec_time_asteroid double precision DEFAULT 0,
  avg_exec_time_ccd double precision DEFAULT 0
);
CREATE INDEX IF NOT EXISTS des_orbittracejob_status_idx ON des_orbittracejob (status, submit_time);

-- One row per asteroid of a job (legacy status 1 Success, 2 Failed). UNIQUE(job_id, asteroid_id)
-- is new: a resumed job replaces rows instead of duplicating them.
CREATE TABLE IF NOT EXISTS des_orbittracejobresult (
  id bigserial PRIMARY KEY,
  job_id integer NOT NULL REFERENCES des_orbittracejob (id) ON DELETE CASCADE,
  asteroid_id integer NOT NULL REFERENCES tno_asteroid (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  number varchar(100),
  base_dynclass varchar(100),
  dynclass varchar(100),
  status integer NOT NULL,
  spk_id varchar(100),
  observations integer NOT NULL DEFAULT 0,
  ccds integer NOT NULL DEFAULT 0,
  exec_time interval,
  error text,
  CONSTRAINT des_orbittracejobresult_job_asteroid_key UNIQUE (job_id, asteroid_id)
);
`;

const PREDICT_TABLES = `
-- Status 1 Idle, 2 Running, 3 Completed, 4 Failed, 5 Aborted, 6 Warning, 7 Aborting,
-- 8 Consolidating. owner_id, catalog_id, planetary_ephemeris_id and leap_second_id are FKs in
-- the portal; plain integers here.
CREATE TABLE IF NOT EXISTS tno_predictionjob (
  id serial PRIMARY KEY,
  owner_id integer,
  catalog_id integer,
  planetary_ephemeris_id integer,
  leap_second_id integer,
  status integer NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 8),
  submit_time timestamptz NOT NULL DEFAULT now(),
  start timestamptz,
  "end" timestamptz,
  exec_time interval,
  avg_exec_time double precision DEFAULT 0,
  filter_type varchar(15),
  filter_value text,
  predict_start_date date,
  predict_end_date date,
  predict_interval varchar(100),
  predict_step integer NOT NULL DEFAULT 600,
  count_asteroids integer NOT NULL DEFAULT 0,
  count_asteroids_with_occ integer NOT NULL DEFAULT 0,
  count_occ integer NOT NULL DEFAULT 0,
  count_success integer NOT NULL DEFAULT 0,
  count_failures integer NOT NULL DEFAULT 0,
  debug boolean NOT NULL DEFAULT false,
  path varchar(2048),
  error text,
  traceback text
);
CREATE INDEX IF NOT EXISTS tno_predictionjob_status_idx ON tno_predictionjob (status, submit_time);

-- One row per asteroid (status 1 success, 2 failure; later 3 queued, 4 running, 6 ingesting).
CREATE TABLE IF NOT EXISTS tno_predictionjobresult (
  id bigserial PRIMARY KEY,
  job_id integer NOT NULL REFERENCES tno_predictionjob (id) ON DELETE CASCADE,
  asteroid_id integer NOT NULL REFERENCES tno_asteroid (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  number varchar(100),
  base_dynclass varchar(100) NOT NULL DEFAULT '',
  dynclass varchar(100) NOT NULL DEFAULT '',
  status integer NOT NULL DEFAULT 1,
  des_obs integer NOT NULL DEFAULT 0,
  occultations integer NOT NULL DEFAULT 0,
  obs_source varchar(100),
  orb_ele_source varchar(100),
  exec_time interval,
  messages text,
  des_obs_start timestamptz,
  des_obs_finish timestamptz,
  des_obs_exec_time interval,
  bsp_jpl_start timestamptz,
  bsp_jpl_finish timestamptz,
  bsp_jpl_dw_time interval,
  obs_start timestamptz,
  obs_finish timestamptz,
  obs_dw_time interval,
  orb_ele_start timestamptz,
  orb_ele_finish timestamptz,
  orb_ele_dw_time interval,
  ref_orb_start timestamptz,
  ref_orb_finish timestamptz,
  ref_orb_exec_time interval,
  pre_occ_start timestamptz,
  pre_occ_finish timestamptz,
  pre_occ_exec_time interval,
  ing_occ_count integer NOT NULL DEFAULT 0,
  ing_occ_start timestamptz,
  ing_occ_finish timestamptz,
  ing_occ_exec_time interval,
  CONSTRAINT tno_predictionjobresult_job_asteroid_key UNIQUE (job_id, asteroid_id)
);

-- Progress per step (1 data acquisition and preparation, 2 refine orbit and predict).
CREATE TABLE IF NOT EXISTS tno_predictionjobstatus (
  id bigserial PRIMARY KEY,
  job_id integer NOT NULL REFERENCES tno_predictionjob (id) ON DELETE CASCADE,
  step integer NOT NULL,
  task varchar(100) NOT NULL DEFAULT '',
  status integer NOT NULL DEFAULT 1,
  count integer NOT NULL DEFAULT 0,
  current integer NOT NULL DEFAULT 0,
  average_time double precision NOT NULL DEFAULT 0,
  time_estimate double precision NOT NULL DEFAULT 0,
  success integer NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  updated timestamptz DEFAULT now()
);

-- Predicted events (Django tno.Occultation). Angles in the *_deg columns are degrees, the
-- sexagesimal strings keep the PRAIA text; e_ra/e_dec in mas, pmra/pmdec in mas/yr.
CREATE TABLE IF NOT EXISTS tno_occultation (
  id bigserial PRIMARY KEY,
  hash_id varchar(26),
  name varchar(35) NOT NULL,
  number bigint,
  principal_designation varchar(35),
  alias varchar(35),
  base_dynclass varchar(24),
  dynclass varchar(24),
  astorb_dynbaseclass varchar(35),
  astorb_dynsubclass varchar(35),
  asteroid_id integer,
  date_time timestamptz NOT NULL,
  gaia_source_id bigint,
  ra_star_candidate varchar(20) NOT NULL,
  dec_star_candidate varchar(20) NOT NULL,
  ra_target varchar(20) NOT NULL,
  dec_target varchar(20) NOT NULL,
  closest_approach double precision NOT NULL DEFAULT 0,
  position_angle double precision NOT NULL DEFAULT 0,
  velocity double precision NOT NULL DEFAULT 0,
  delta double precision NOT NULL DEFAULT 0,
  g_star double precision NOT NULL DEFAULT 0,
  j_star double precision,
  h_star double precision,
  k_star double precision,
  long double precision NOT NULL DEFAULT 0,
  loc_t time,
  off_ra double precision DEFAULT 0,
  off_dec double precision DEFAULT 0,
  proper_motion varchar(2),
  ct varchar(10),
  multiplicity_flag varchar(2),
  e_ra double precision DEFAULT 0,
  e_dec double precision DEFAULT 0,
  pmra double precision DEFAULT 0,
  pmdec double precision DEFAULT 0,
  ra_star_deg double precision,
  dec_star_deg double precision,
  ra_target_deg double precision,
  dec_target_deg double precision,
  magnitude_drop double precision,
  apparent_magnitude double precision,
  apparent_diameter double precision,
  event_duration double precision,
  moon_separation double precision,
  sun_elongation double precision,
  instant_uncertainty double precision,
  closest_approach_uncertainty double precision,
  closest_approach_uncertainty_km double precision,
  moon_illuminated_fraction double precision,
  probability_of_centrality double precision,
  g_mag_vel_corrected double precision,
  rp_mag_vel_corrected double precision,
  h_mag_vel_corrected double precision,
  ra_star_with_pm varchar(35),
  dec_star_with_pm varchar(35),
  ra_star_to_date varchar(35),
  dec_star_to_date varchar(35),
  ra_target_apparent varchar(20),
  dec_target_apparent varchar(20),
  e_ra_target double precision,
  e_dec_target double precision,
  ephemeris_version varchar(35),
  have_path_coeff boolean DEFAULT false,
  occ_path_min_longitude double precision,
  occ_path_max_longitude double precision,
  occ_path_min_latitude double precision,
  occ_path_max_latitude double precision,
  occ_path_is_nightside boolean,
  occ_path_coeff jsonb DEFAULT '{}'::jsonb,
  h double precision,
  g double precision,
  epoch double precision,
  semimajor_axis double precision,
  eccentricity double precision,
  inclination double precision,
  long_asc_node double precision,
  arg_perihelion double precision,
  mean_anomaly double precision,
  mean_daily_motion double precision,
  perihelion double precision,
  aphelion double precision,
  rms double precision,
  last_obs_included date,
  pha_flag boolean DEFAULT false,
  mpc_critical_list boolean DEFAULT false,
  albedo double precision,
  albedo_err_min double precision,
  albedo_err_max double precision,
  density double precision,
  density_err_min double precision,
  density_err_max double precision,
  diameter double precision,
  diameter_err_min double precision,
  diameter_err_max double precision,
  mass double precision,
  mass_err_min double precision,
  mass_err_max double precision,
  catalog varchar(10) DEFAULT 'GAIA DR3',
  predict_step integer DEFAULT 600,
  bsp_source varchar(10) DEFAULT 'JPL',
  obs_source varchar(10) DEFAULT 'MPC',
  orb_ele_source varchar(10) DEFAULT 'MPC',
  bsp_planetary varchar(10) DEFAULT 'de440',
  leap_seconds varchar(10) DEFAULT 'naif0012',
  nima boolean DEFAULT false,
  job_id integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tno_occultation_hash_id_key UNIQUE (hash_id)
);
CREATE INDEX IF NOT EXISTS tno_occultation_name_idx ON tno_occultation (name);
CREATE INDEX IF NOT EXISTS tno_occultation_number_idx ON tno_occultation (number);
CREATE INDEX IF NOT EXISTS tno_occultation_principal_designation_idx ON tno_occultation (principal_designation);
CREATE INDEX IF NOT EXISTS tno_occultation_base_dynclass_idx ON tno_occultation (base_dynclass);
CREATE INDEX IF NOT EXISTS tno_occultation_dynclass_idx ON tno_occultation (dynclass);
CREATE INDEX IF NOT EXISTS tno_occultation_astorb_dynbaseclass_idx ON tno_occultation (astorb_dynbaseclass);
CREATE INDEX IF NOT EXISTS tno_occultation_astorb_dynsubclass_idx ON tno_occultation (astorb_dynsubclass);
CREATE INDEX IF NOT EXISTS tno_occultation_date_time_idx ON tno_occultation (date_time);
CREATE INDEX IF NOT EXISTS tno_occultation_g_star_idx ON tno_occultation (g_star);
CREATE INDEX IF NOT EXISTS tno_occultation_have_path_coeff_idx ON tno_occultation (have_path_coeff);
CREATE INDEX IF NOT EXISTS tno_occultation_min_lon_idx ON tno_occultation (occ_path_min_longitude);
CREATE INDEX IF NOT EXISTS tno_occultation_max_lon_idx ON tno_occultation (occ_path_max_longitude);
CREATE INDEX IF NOT EXISTS tno_occultation_min_lat_idx ON tno_occultation (occ_path_min_latitude);
CREATE INDEX IF NOT EXISTS tno_occultation_max_lat_idx ON tno_occultation (occ_path_max_latitude);
CREATE INDEX IF NOT EXISTS tno_occultation_is_nightside_idx ON tno_occultation (occ_path_is_nightside);
CREATE INDEX IF NOT EXISTS tno_occultation_g_idx ON tno_occultation (g);
CREATE INDEX IF NOT EXISTS tno_occultation_created_at_idx ON tno_occultation (created_at);
CREATE INDEX IF NOT EXISTS tno_occultation_job_id_idx ON tno_occultation (job_id);
`;

const GAIA_TABLE = `
-- Gaia DR3 subset for occultation predictions (units as Gaia: deg, mas, mas/yr; ra_error is
-- sigma(alpha*cos(dec))). dec_zone supports strip queries where q3c is not installed (PGlite);
-- where it is, ensureOptionalIndexes adds the q3c index.
CREATE TABLE IF NOT EXISTS gaia_dr3_source (
  source_id bigint PRIMARY KEY,
  ra double precision NOT NULL,
  dec double precision NOT NULL,
  ra_error double precision,
  dec_error double precision,
  parallax double precision,
  parallax_error double precision,
  pmra double precision,
  pmra_error double precision,
  pmdec double precision,
  pmdec_error double precision,
  duplicated_source boolean,
  phot_g_mean_flux double precision,
  phot_g_mean_flux_error double precision,
  phot_g_mean_mag double precision,
  phot_variable_flag varchar(16),
  ref_epoch double precision NOT NULL DEFAULT 2016.0,
  dec_zone integer GENERATED ALWAYS AS (${GAIA_DEC_ZONE_SQL}) STORED
);
CREATE INDEX IF NOT EXISTS gaia_dr3_source_zone_ra_idx ON gaia_dr3_source (dec_zone, ra);
`;

/** All migrations, in order. Append new ones; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "orbit trace tables", up: ORBIT_TRACE_TABLES },
  { version: 2, name: "predict occultation tables", up: PREDICT_TABLES },
  { version: 3, name: "gaia dr3 star table", up: GAIA_TABLE },
];

/** Outcome of {@link migrate}. */
export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was up to date). */
  applied: number[];
  /** Highest version now recorded in `schema_migrations`. */
  version: number;
  /** True when the q3c extension is installed and `gaia_dr3_source` has its q3c index. */
  q3c: boolean;
}

// Serialises concurrent migrations (parallel test processes, two CLIs) across the server.
const MIGRATION_LOCK_KEY = 0x746e6f; // "tno"

/**
 * Brings the schema to the latest version. Each migration runs in its own transaction and is
 * recorded in `schema_migrations(version, name, applied_at)`; a second call does nothing. Then
 * {@link ensureOptionalIndexes} runs (q3c, when the server has it).
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      const r = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [m.version]);
      if (r.rows.length > 0) return false;
      if (typeof m.up === "string") await tx.exec(m.up);
      else await m.up(tx);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  const q3c = await ensureOptionalIndexes(db);
  const v = await db.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_migrations");
  return { applied, version: v.rows[0]?.v ?? 0, q3c };
}

/**
 * Creates the q3c extension when the server offers it (and the role may create it), then the
 * q3c index on `gaia_dr3_source`. Runs on every {@link migrate}, so a database created before
 * q3c was installed gets the index later. Returns whether the q3c index exists.
 */
export async function ensureOptionalIndexes(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    if ((await tx.query("SELECT to_regclass('gaia_dr3_source') AS t")).rows[0]?.t == null) return false;
    const installed = async () => (await tx.query("SELECT 1 FROM pg_extension WHERE extname = 'q3c'")).rows.length > 0;
    if (!(await installed())) {
      const available = await tx.query("SELECT 1 FROM pg_available_extensions WHERE name = 'q3c'");
      if (available.rows.length === 0) return false;
      // A role without the privilege must still get a working schema: try under a savepoint.
      await tx.query("SAVEPOINT tno_q3c");
      try {
        // In public, so every schema on the server (one per test, or per tenant) finds its functions.
        await tx.query("CREATE EXTENSION IF NOT EXISTS q3c SCHEMA public");
        await tx.query("RELEASE SAVEPOINT tno_q3c");
      } catch {
        await tx.query("ROLLBACK TO SAVEPOINT tno_q3c");
        return false;
      }
    }
    await tx.query("CREATE INDEX IF NOT EXISTS gaia_dr3_source_q3c_idx ON gaia_dr3_source (q3c_ang2ipix(ra, dec))");
    return true;
  });
}
