// `tno predict` direct mode on the SORA Chariklo 2017-06 inputs (shared/data: the NIMA kernel,
// de438_small, naif0012 and the star positions of sora_chariklo_2017-06_geocentric_predictions.csv
// written as a Gaia-format CSV with zero proper motion at the event epochs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/cli/main.js";
import { readSoraEvents, soraEngine, soraStars } from "./helpers/sora.js";
import { dataPath } from "./helpers/data.js";

/** Same tolerance as test/occultation-sora.test.ts for the instants. */
const INSTANT_TOLERANCE_S = 0.1;

async function soraStarFile(dir: string): Promise<string> {
  const { engine } = await soraEngine();
  const stars = soraStars(engine, readSoraEvents());
  engine.dispose();
  const file = join(dir, "stars.csv");
  writeFileSync(file, ["source_id;ra;dec;pmra;pmdec;phot_g_mean_mag;ref_epoch", ...stars.map((s) => [s.sourceId, s.raDeg, s.decDeg, 0, 0, s.gMag, s.refEpochYr].join(";"))].join("\n"));
  return file;
}

const kernels = () =>
  [dataPath("kernels/naif0012.tls"), dataPath("spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp"), dataPath("spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp")].join(",");

async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write.bind(process.stdout), err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test("tno predict (direct mode) reproduces the SORA Chariklo list: CSV with tno_occultation columns, JSON, stable hash_id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tno-predict-"));
  const stars = await soraStarFile(dir);
  const args = ["predict", "--target", "2010199", "--name", "10199 Chariklo", "--kernels", kernels(), "--start", "2017-06-20", "--end", "2017-07-01T00:00:00", "--step", "60", "--stars", stars, "--mag-limit", "18"];
  assert.equal(await quiet(() => main([...args, "--out", join(dir, "a")])), 0);
  assert.equal(await quiet(() => main([...args, "--out", join(dir, "b")])), 0);
  const csv = readFileSync(join(dir, "a", "occultation_table.csv"), "utf8").trim().split("\n");
  const header = csv[0]!.split(";");
  assert.equal(csv.length, 9);
  for (const col of ["hash_id", "date_time", "gaia_source_id", "closest_approach", "position_angle", "velocity", "delta", "g_star", "long", "loc_t"]) assert.ok(header.includes(col), col);
  const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(";").map((v, i) => [header[i]!, v])));
  const sora = readSoraEvents();
  rows.forEach((r, i) => {
    assert.equal(r.gaia_source_id, sora[i]!.sourceId);
    const dt = (Date.parse(r.date_time!) - Date.parse(`${sora[i]!.utc}Z`)) / 1000;
    assert.ok(Math.abs(dt) <= INSTANT_TOLERANCE_S, `${r.date_time}: ${dt} s`);
    assert.equal(r.hash_id!.length, 22);
  });
  assert.deepEqual(readFileSync(join(dir, "b", "occultation_table.csv"), "utf8").split("\n").map((l) => l.split(";")[0]), csv.concat("").map((l) => l.split(";")[0]), "hash_id stable across runs");
  const json = JSON.parse(readFileSync(join(dir, "a", "occultations.json"), "utf8"));
  assert.equal(json.events.length, 8);
  assert.equal(json.events[0].star.sourceId, "6760228702284187264");
});

test("tno predict: bad inputs exit 2 with a message (no proper motions, outside coverage, no stars, missing flags)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tno-predict-bad-"));
  const stars = await soraStarFile(dir);
  const noPm = join(dir, "nopm.csv");
  writeFileSync(noPm, "source_id,ra,dec,phot_g_mean_mag,ref_epoch\n1,283.9,-31.5,15,2016.0\n");
  const base = ["predict", "--target", "2010199", "--kernels", kernels(), "--out", join(dir, "o")];
  const run = (extra: string[]) => quiet(() => main([...base, ...extra]));
  assert.equal(await run(["--start", "2017-06-20", "--end", "2017-06-21", "--stars", noPm]), 2);
  assert.equal(await run(["--start", "2019-06-20", "--end", "2019-06-21", "--stars", stars]), 2);
  assert.equal(await run(["--start", "2017-06-20", "--end", "2017-06-21", "--stars", stars, "--mag-limit", "5"]), 2);
  assert.equal(await run(["--start", "2017-06-20", "--end", "2017-06-21"]), 2);
  assert.equal(await run(["--start", "yesterday", "--end", "2017-06-21", "--stars", stars]), 2);
});
