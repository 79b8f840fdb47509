import assert from "node:assert/strict";
import { test } from "node:test";
import { periodBounds, retrieveCcds, rewriteCcdFilename, rewriteCcdPath, type Database } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

// Legacy example (legacy-orbit-trace.md §2.3).
const LEGACY_PATH = "OPS/finalcut/Y5A1/r3651/20131028/D00247966/p01/red/immask";
const LEGACY_FILE = "D00247966_g_c36_r3651p01_immasked.fits";

/** Exposures at the period edges (2012-11-01 .. 2019-02-01 inclusive, UTC). */
const EXPOSURES: [id: number, dateObs: string][] = [
  [100, "2012-10-31 23:59:59.999999+00"], // before
  [101, "2012-11-01 00:00:00+00"], // first instant of the period
  [247966, "2013-10-29 03:46:32.731567+00"], // the legacy example
  [103, "2019-02-01 23:59:59.5+00"], // last day, inclusive
  [104, "2019-02-02 00:00:00+00"], // after
  [105, "2019-02-01 22:30:00-03"], // = 2019-02-02 01:30 UTC: after, despite the local date
];

async function seed(db: Database): Promise<void> {
  await db.copyFrom("des_exposure", ["id", "date_obs", "exptime"], EXPOSURES.map(([id, d]) => [id, d, 90]));
  // One CCD per exposure, plus a second CCD on the legacy exposure.
  const ccds = EXPOSURES.map(([id]) => [id * 100 + 1, id, `OPS/finalcut/Y5A1/r1/x/D${id}/p01/red/immask`, `D${id}_g_c01_immasked.fits`]);
  ccds.push([1_300_000_036, 247966, LEGACY_PATH, LEGACY_FILE]);
  await db.copyFrom("des_ccd", ["id", "exposure_id", "path", "filename"], ccds);
  // Two SkyBoT tickets saw the same object on the same CCDs (the duplicate the legacy ingested twice).
  await db.copyFrom("skybot_position", ["id", "name", "ticket"], [[1, "1999 RB216", 7], [2, "1999 RB216", 8], [3, "Chiron", 7]]);
  const links: number[][] = [];
  for (const position of [1, 2]) {
    for (const [id] of EXPOSURES) links.push([position, id, id * 100 + 1]);
    links.push([position, 247966, 1_300_000_036]);
  }
  links.push([3, 101, 10101]);
  await db.copyFrom("des_skybotposition", ["position_id", "exposure_id", "ccd_id"], links);
}

test("retrieveCcds: the period filters exposures, each CCD once, catalogue paths rewritten", async (t) => {
  await forEachDatabase(t, async (db) => {
    await seed(db);
    const ccds = await retrieveCcds(db, "1999 RB216", { start: "2012-11-01", end: "2019-02-01" });
    assert.deepEqual(
      ccds.map((c) => c.id),
      [10101, 24796601, 1_300_000_036, 10301],
    );
    const legacy = ccds.find((c) => c.id === 1_300_000_036)!;
    assert.deepEqual(legacy, {
      id: 1_300_000_036,
      dateObsUtc: "2013-10-29T03:46:32.731567",
      exptimeS: 90,
      path: "finalcut/Y5A1/r3651/20131028/D00247966/p01/cat",
      filename: "D00247966_g_c36_r3651p01_red-fullcat.fits",
    });
    assert.equal(ccds.find((c) => c.id === 10301)!.dateObsUtc, "2019-02-01T23:59:59.500000");

    // A one-day period holds exactly that UTC day.
    const oneDay = await retrieveCcds(db, "1999 RB216", { start: "2019-02-02", end: "2019-02-02" });
    assert.deepEqual(oneDay.map((c) => c.id), [10401, 10501]);
    assert.deepEqual(await retrieveCcds(db, "Chiron", { start: "2012-11-01", end: "2019-02-01" }).then((r) => r.map((c) => c.id)), [10101]);
    assert.deepEqual(await retrieveCcds(db, "nobody' OR '1'='1", { start: "2000-01-01", end: "2030-01-01" }), []);
  });
});

test("period and path helpers", () => {
  assert.deepEqual(periodBounds({ start: "2012-11-01", end: "2019-02-01" }), {
    from: new Date("2012-11-01T00:00:00Z"),
    to: new Date("2019-02-02T00:00:00Z"),
  });
  assert.throws(() => periodBounds({ start: "2012-11", end: "2019-02-01" }), /period start "2012-11": must be YYYY-MM-DD/);
  assert.throws(() => periodBounds({ start: "2019-02-02", end: "2019-02-01" }), /end is before start/);
  assert.throws(() => periodBounds({ start: "2019-02-30", end: "2019-03-01" }), /period start "2019-02-30": not a calendar date/);
  assert.equal(rewriteCcdPath(LEGACY_PATH), "finalcut/Y5A1/r3651/20131028/D00247966/p01/cat");
  assert.equal(rewriteCcdFilename(LEGACY_FILE), "D00247966_g_c36_r3651p01_red-fullcat.fits");
});
