// `tno predict <jobdir>` on the SORA Chariklo 2017-06 inputs (shared/data: Chariklo NIMA kernel,
// de438_small, naif0012, the SORA star positions as a Gaia-format file): objects listed in
// job.json with a star file (no database), and objects from tno_asteroid with the stars in
// gaia_dr3_source (PGlite and PostgreSQL), outputs, resume and the upsert of events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upsertAsteroids } from "../src/db/index.js";
import { runPredictJob } from "../src/jobs/predict/runner.js";
import { importStars } from "../src/jobs/predict/stars.js";
import { InputError } from "../src/cli/errors.js";
import { forEachDatabase } from "./helpers/db.js";
import { dataPath } from "./helpers/data.js";
import { readSoraEvents, soraEngine, soraStars } from "./helpers/sora.js";

async function jobDirWithStars(): Promise<{ dir: string; stars: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tno-predict-job-"));
  const { engine } = await soraEngine();
  const stars = soraStars(engine, readSoraEvents());
  engine.dispose();
  const file = join(dir, "stars.csv");
  writeFileSync(file, ["source_id,ra,dec,pmra,pmdec,phot_g_mean_mag,ref_epoch", ...stars.map((s) => [s.sourceId, s.raDeg, s.decDeg, 0, 0, s.gMag, s.refEpochYr].join(","))].join("\n"));
  return { dir, stars: file };
}

const baseJob = () => ({
  predict_start_date: "2017-06-20",
  predict_end_date: "2017-06-30",
  predict_step: 60,
  maximum_visual_magnitude: 18,
  bsp_planetary: { name: "de438", absolute_path: dataPath("spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp") },
  leap_seconds: { name: "naif0012", absolute_path: dataPath("kernels/naif0012.tls") },
});

test("job with listed objects and a star file: outputs, summary, resume", async () => {
  const { dir } = await jobDirWithStars();
  writeFileSync(
    join(dir, "job.json"),
    JSON.stringify({ id: 7, ...baseJob(), objects: [{ name: "10199 Chariklo", spk: dataPath("spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp"), diameter: 248 }], star_catalog: { file: "stars.csv" } }),
  );
  const first = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(first.status, "Completed", first.error ?? "");
  assert.equal(first.events, 8);
  const csv = readFileSync(join(dir, "objects", "10199Chariklo", "occultation_table.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, 9);
  assert.ok(existsSync(join(dir, "objects", "10199Chariklo", "occultations.json")));
  const job = JSON.parse(readFileSync(join(dir, "job.json"), "utf8"));
  assert.equal(job.status, "Completed");
  assert.equal(job.count_occ, 8);
  assert.ok(readFileSync(join(dir, "predict.log"), "utf8").includes("10199 Chariklo: success, 8 event(s)"));
  const again = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(again.resumed, 1, "the finished object is kept, not redone");
  assert.equal(again.events, 8);
});

test("job with objects from tno_asteroid and stars from gaia_dr3_source: events upserted once per hash_id (worker pool)", async (t) => {
  await forEachDatabase(t, async (db) => {
    const { dir, stars } = await jobDirWithStars();
    mkdirSync(join(dir, "asteroids", "Chariklo"), { recursive: true });
    copyFileSync(dataPath("spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp"), join(dir, "asteroids", "Chariklo", "Chariklo.bsp"));
    await upsertAsteroids(db, [{ name: "Chariklo", number: "10199", dynclass: "Centaur", base_dynclass: "Centaur" }]);
    assert.equal(await importStars(db, stars), 8);
    writeFileSync(join(dir, "job.json"), JSON.stringify({ ...baseJob(), filter_type: "dynclass", filter_value: "Centaur", star_catalog: { table: "gaia_dr3_source" } }));
    const report = await runPredictJob({ jobDir: dir, db, workers: 1 });
    assert.equal(report.status, "Completed", report.error ?? JSON.stringify(report.objects));
    assert.equal(report.events, 8);
    const rows = await db.query<{ n: number; name: string }>("SELECT count(*)::int AS n, min(name) AS name FROM tno_occultation");
    assert.equal(rows.rows[0]!.n, 8);
    assert.equal(rows.rows[0]!.name, "Chariklo");
    // A new run (inputs changed: the step) upserts the same events: still 8 rows.
    const job = JSON.parse(readFileSync(join(dir, "job.json"), "utf8"));
    writeFileSync(join(dir, "job.json"), JSON.stringify({ ...job, predict_step: 120 }));
    const second = await runPredictJob({ jobDir: dir, db, workers: 0 });
    assert.equal(second.events, 8);
    assert.equal((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM tno_occultation")).rows[0]!.n, 8);
  });
});

test("an invalid job.json is an InputError naming the fields", async () => {
  const { dir } = await jobDirWithStars();
  writeFileSync(join(dir, "job.json"), JSON.stringify({ ...baseJob(), predict_step: -5, star_catalog: { file: "stars.csv" } }));
  await assert.rejects(runPredictJob({ jobDir: dir, workers: 0 }), (e: unknown) => e instanceof InputError && /predict_step/.test((e as Error).message) && /objects/.test((e as Error).message));
});
