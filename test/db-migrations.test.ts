import assert from "node:assert/strict";
import { test } from "node:test";
import { MIGRATIONS, migrate } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

const PORTAL_TABLES = [
  "tno_asteroid",
  "skybot_position",
  "des_exposure",
  "des_ccd",
  "des_skybotposition",
  "des_observation",
  "des_orbittracejob",
  "des_orbittracejobresult",
  "tno_occultation",
  "tno_predictionjob",
  "tno_predictionjobresult",
  "tno_predictionjobstatus",
  "gaia_dr3_source",
];

async function tableNames(db: Parameters<Parameters<typeof forEachDatabase>[1]>[0]): Promise<string[]> {
  const r = await db.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
  return r.rows.map((x) => x.t);
}

test("migrations create the portal tables once and are idempotent", async (t) => {
  await forEachDatabase(
    t,
    async (db, label) => {
      const first = await migrate(db);
      assert.deepEqual(first.applied, MIGRATIONS.map((m) => m.version));
      assert.equal(first.version, Math.max(...MIGRATIONS.map((m) => m.version)));
      const tables = await tableNames(db);
      for (const name of [...PORTAL_TABLES, "schema_migrations"]) assert.ok(tables.includes(name), `${label}: table ${name} missing`);

      const second = await migrate(db);
      assert.deepEqual(second.applied, []);
      assert.deepEqual(await tableNames(db), tables);
      const recorded = await db.query<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version");
      assert.deepEqual(recorded.rows, MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    },
    { migrate: false },
  );
});

test("concurrent migrate calls on one database apply each migration once", async (t) => {
  await forEachDatabase(
    t,
    async (db) => {
      const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
      const applied = results.flatMap((r) => r.applied).sort();
      assert.deepEqual(applied, MIGRATIONS.map((m) => m.version).sort());
    },
    { migrate: false },
  );
});

test("legacy types and constraints the pipelines rely on", async (t) => {
  await forEachDatabase(t, async (db) => {
    const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name IN ('des_observation', 'des_exposure', 'des_ccd', 'tno_occultation')`,
    );
    const type = (table: string, column: string) => cols.rows.find((c) => c.table_name === table && c.column_name === column)?.data_type;
    assert.equal(type("des_observation", "date_jd"), "character varying");
    assert.equal(type("des_observation", "date_obs"), "timestamp with time zone");
    assert.equal(type("des_observation", "ccd_id"), "bigint");
    assert.equal(type("des_exposure", "date_obs"), "timestamp with time zone");
    assert.equal(type("des_ccd", "path"), "text");
    assert.equal(type("tno_occultation", "occ_path_coeff"), "jsonb");
    assert.equal(type("tno_occultation", "loc_t"), "time without time zone");
    const cons = await db.query<{ conname: string }>(
      "SELECT conname FROM pg_constraint WHERE contype = 'u' AND connamespace = current_schema()::regnamespace ORDER BY 1",
    );
    const names = cons.rows.map((c) => c.conname);
    for (const c of ["des_observation_asteroid_id_ccd_id_key", "tno_occultation_hash_id_key", "tno_asteroid_name_key"]) {
      assert.ok(names.includes(c), `unique constraint ${c} missing`);
    }
  });
});

test("the q3c index exists exactly where the q3c extension does", async (t) => {
  await forEachDatabase(t, async (db, label) => {
    const q3c = await db.hasExtension("q3c");
    const idx = await db.query("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'gaia_dr3_source_q3c_idx'");
    assert.equal(idx.rows.length > 0, q3c);
    // PGlite has no q3c; the CI server (.ci/run) installs it, so there the index must exist.
    if (label === "pglite") assert.equal(q3c, false);
    if (label === "postgres" && process.env.CI === "true") assert.equal(q3c, true, "CI PostgreSQL must have q3c");
    // The zone index serves strip queries everywhere.
    const zone = await db.query("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'gaia_dr3_source_zone_ra_idx'");
    assert.equal(zone.rows.length, 1);
    await db.query("INSERT INTO gaia_dr3_source (source_id, ra, dec) VALUES ($1, $2, $3)", [6917528997577384320n, 280.5, -60.05]);
    const star = await db.query<{ source_id: bigint; dec_zone: number }>("SELECT source_id, dec_zone FROM gaia_dr3_source");
    assert.deepEqual(star.rows, [{ source_id: 6917528997577384320n, dec_zone: 299 }]);
  });
});
