// Predict Occultation and the database, on PGlite and (with TNO_TEST_PG_URL / in CI) PostgreSQL:
// import-stars from the shared Gaia samples (shared/data/gaia), star queries along a path with
// declination zones and with q3c (checked against a brute-force cone test on the same stars,
// across RA 0/360 and near the pole), and the upsert of predicted events on hash_id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upsertOccultations, type OccultationRow } from "../src/db/index.js";
import { coneZones, hasQ3c, importStars, pathCones, queryStarsInCones, type Cone } from "../src/jobs/predict/stars.js";
import { predictObject } from "../src/jobs/predict/object.js";
import { utcToEt } from "../src/time/index.js";
import { forEachDatabase } from "./helpers/db.js";
import { dataPath } from "./helpers/data.js";
import { readSoraEvents, soraEngine, soraStars } from "./helpers/sora.js";

const DEG = Math.PI / 180;

function unit(raDeg: number, decDeg: number): [number, number, number] {
  return [Math.cos(decDeg * DEG) * Math.cos(raDeg * DEG), Math.cos(decDeg * DEG) * Math.sin(raDeg * DEG), Math.sin(decDeg * DEG)];
}

/** A synthetic star file: stars scattered around RA 0 at Dec +5°, and around the North pole. */
function syntheticStarFile(): { file: string; stars: Array<{ id: string; ra: number; dec: number }> } {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stars: Array<{ id: string; ra: number; dec: number }> = [];
  for (let i = 0; i < 400; i++) stars.push({ id: String(1000000000000000000n + BigInt(i)), ra: (360 + (rand() - 0.5) * 0.4) % 360, dec: 5 + (rand() - 0.5) * 0.2 });
  for (let i = 0; i < 400; i++) stars.push({ id: String(2000000000000000000n + BigInt(i)), ra: rand() * 360, dec: 89.9 + rand() * 0.1 });
  const file = join(mkdtempSync(join(tmpdir(), "tno-stars-")), "stars.csv");
  writeFileSync(file, ["source_id,ra,dec,pmra,pmdec,phot_g_mean_mag,ref_epoch", ...stars.map((s) => `${s.id},${s.ra},${s.dec},1.5,-2.5,${(12 + (Number(s.id.slice(-3)) % 7)).toFixed(1)},2016.0`)].join("\n"));
  return { file, stars };
}

function bruteForce(stars: Array<{ id: string; ra: number; dec: number }>, cones: readonly Cone[]): string[] {
  return stars
    .filter((s) => {
      const u = unit(s.ra, s.dec);
      return cones.some((c) => {
        const v = unit(c.raDeg, c.decDeg);
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2] >= Math.cos(c.radiusDeg * DEG);
      });
    })
    .map((s) => s.id)
    .sort();
}

test("import-stars: Gaia ECSV and VOTable samples load into gaia_dr3_source, again without duplicates", async (t) => {
  await forEachDatabase(t, async (db) => {
    assert.equal(await importStars(db, dataPath("gaia/astroquery_gaia_dr3_cone_sample.ecsv")), 5);
    assert.equal(await importStars(db, dataPath("gaia/astroquery_gaia_dr3_sample.vot")), 2);
    assert.equal(await importStars(db, dataPath("gaia/astroquery_gaia_dr3_cone_sample.ecsv")), 5);
    const r = await db.query<{ n: number; id: string; pmra: number | null }>("SELECT count(*)::int AS n, max(source_id)::text AS id, min(pmra) AS pmra FROM gaia_dr3_source");
    assert.equal(r.rows[0]!.n, 7);
    assert.equal(r.rows[0]!.id, "6636090339113063296", "64-bit ids exact");
    const back = await queryStarsInCones(db, [{ raDeg: 280, decDeg: -60, radiusDeg: 0.1 }], { method: "zones" });
    assert.equal(back.stars.length, 5);
    assert.equal(back.stars.find((s) => s.sourceId === "6636090334814214528")!.pmdecMasPerYr, -6.264602096381666);
    assert.equal(back.stars.find((s) => s.sourceId === "6636090339112400000")!.pmraMasPerYr, null, "2-parameter star keeps null proper motion");
  });
});

test("stars along a path: declination zones and q3c return exactly the brute-force cone members (RA 0/360, pole)", async (t) => {
  const { file, stars } = syntheticStarFile();
  // A path crossing RA 0 at Dec +5°, and one circling the pole.
  const path: number[] = [];
  for (let i = 0; i <= 40; i++) path.push(...unit((359.85 + i * 0.0075) % 360, 5 + (i - 20) * 0.001));
  for (let i = 0; i <= 60; i++) path.push(...unit(i * 6, 89.95));
  const cones = pathCones(Float64Array.from(path), 10 / 3600, 0.02);
  assert.ok(cones.some((c) => c.raDeg > 359) && cones.some((c) => c.raDeg < 1), "cones on both sides of RA 0");
  assert.ok(coneZones({ raDeg: 0, decDeg: 89.99, radiusDeg: 0.05 }).every((z) => z[1] === 0 && z[2] === 360), "a cone over the pole takes every RA");
  const expected = bruteForce(stars, cones);
  assert.ok(expected.length > 20, `${expected.length} stars in the cones`);
  await forEachDatabase(t, async (db, label) => {
    await importStars(db, file);
    const zones = await queryStarsInCones(db, cones, { method: "zones" });
    assert.equal(zones.method, "zones");
    assert.deepEqual(zones.stars.map((s) => s.sourceId).sort(), expected);
    const bright = await queryStarsInCones(db, cones, { method: "zones", magLimit: 14 });
    assert.ok(bright.stars.length > 0 && bright.stars.length < expected.length && bright.stars.every((s) => s.gMag! <= 14));
    if (label === "postgres") {
      // .ci/run installs q3c in the test database (legacy-predict-occultation.md: the portal's Gaia table has it).
      assert.ok(await hasQ3c(db), "q3c is installed on the PostgreSQL test server");
      const q3c = await queryStarsInCones(db, cones, { method: "q3c" });
      assert.equal(q3c.method, "q3c");
      assert.deepEqual(q3c.stars.map((s) => s.sourceId).sort(), expected);
    }
  });
});

test("predicted events upsert on hash_id: a re-run updates the 8 Chariklo rows instead of adding rows", async (t) => {
  const { engine, targetId } = await soraEngine();
  const sora = readSoraEvents();
  const result = predictObject(engine, {
    targetId,
    object: { name: "10199 Chariklo", number: 10199 },
    startEt: utcToEt(engine, "2017-06-20T00:00:00"),
    endEt: utcToEt(engine, "2017-07-01T00:00:00"),
    stepSeconds: 60,
    stars: soraStars(engine, sora),
    provenance: { catalog: "GAIA DR3", predict_step: 60, bsp_planetary: "de438", leap_seconds: "naif0012", bsp_source: "NIMA" },
  });
  engine.dispose();
  assert.equal(result.rows.length, 8);
  await forEachDatabase(t, async (db) => {
    const rows = result.rows as unknown as OccultationRow[];
    assert.equal(await upsertOccultations(db, rows), 8);
    assert.equal(await upsertOccultations(db, rows), 8);
    const r = await db.query<{ n: number; ids: string }>("SELECT count(*)::int AS n, min(gaia_source_id)::text AS ids FROM tno_occultation");
    assert.equal(r.rows[0]!.n, 8);
    assert.equal(r.rows[0]!.ids, "6760223513963694208");
  });
});

test("tno db import-stars <file> loads a catalogue file; a file without proper motions exits 2", async () => {
  const { Command } = await import("commander");
  const { registerDb } = await import("../src/cli/commands/db.js");
  const { registerImportStars } = await import("../src/cli/commands/import-stars.js");
  const { openPglite } = await import("../src/db/index.js");
  const dir = mkdtempSync(join(tmpdir(), "tno-import-stars-"));
  const program = new Command("tno").exitOverride();
  registerImportStars(registerDb(program));
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await program.parseAsync(["db", "import-stars", dataPath("gaia/astroquery_gaia_dr3_sample.vot"), "--db", join(dir, "db")], { from: "user" });
  } finally {
    process.stdout.write = out;
  }
  const db = await openPglite(join(dir, "db"));
  try {
    assert.equal((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM gaia_dr3_source")).rows[0]!.n, 2);
  } finally {
    await db.close();
  }
  const noPm = join(dir, "nopm.csv");
  writeFileSync(noPm, "source_id,ra,dec,phot_g_mean_mag,ref_epoch\n1,10,20,12,2016.0\n");
  const { InputError } = await import("../src/cli/errors.js");
  await assert.rejects(program.parseAsync(["db", "import-stars", noPm, "--db", join(dir, "db")], { from: "user" }), (e: unknown) => e instanceof InputError && /proper-motion/.test((e as Error).message));
});
