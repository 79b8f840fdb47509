import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SpiceEngine } from "../src/spice/index.js";
import { desMidExposure, etToJdUtc, etToUtc, jdTdbToEt, jdUtcToEt, parseTimeToEt, utcToEt, utcToJd, TimeParseError } from "../src/time/index.js";
import { dataPath } from "./helpers/data.js";

/** Round trips through the LSK: SPICE's formatting prints 6 decimals. */
const ROUND_TRIP_S = 1e-6;
/** ET − UTC = ΔAT + 32.184 s + a periodic term below 1.7 ms. */
const PERIODIC_TERM_MAX_S = 0.0017;
/** A Julian date near 2.46e6 is resolved to 40 µs by a double. */
const JD_RESOLUTION_S = 5e-5;

async function lskEngine() {
  const e = await SpiceEngine.create();
  e.loadKernel(dataPath("kernels/naif0012.tls"));
  return e;
}

test("every IERS leap second (Bulletin C table) is reproduced by the LSK, with round trips across it", async () => {
  const e = await lskEngine();
  // iers_Leap_Second_kete.dat: MJD, day, month, year, TAI-UTC from that date (independent of naif0012).
  const rows = readFileSync(dataPath("kernels/iers_Leap_Second_kete.dat"), "utf8")
    .split("\n")
    .filter((l) => /^\s*\d{5}\.0/.test(l))
    .map((l) => l.trim().split(/\s+/).map(Number));
  assert.ok(rows.length >= 28);
  for (const [mjd, , , , taiUtc] of rows) {
    const day = new Date(Date.UTC(1858, 10, 17) + mjd! * 86400000).toISOString().slice(0, 10);
    const et = utcToEt(e, `${day}T00:00:00`);
    const deltaS = et - (utcToJd(`${day}T00:00:00`) - 2451545) * 86400;
    assert.ok(Math.abs(deltaS - (taiUtc! + 32.184)) < PERIODIC_TERM_MAX_S, `${day}: ET-UTC ${deltaS} vs ${taiUtc! + 32.184}`);
    // The second before midnight is :60 on leap days; a round trip through ET keeps it.
    const before = et - 0.5;
    const text = etToUtc(e, before, 6);
    assert.ok(Math.abs(utcToEt(e, text) - before) < ROUND_TRIP_S, `${day}: ${text}`);
  }
  assert.equal(etToUtc(e, utcToEt(e, "2016-12-31T23:59:60.5"), 1), "2016-12-31T23:59:60.5");
  assert.equal(utcToEt(e, "2017-01-01T00:00:00") - utcToEt(e, "2016-12-31T23:59:59"), 2, "the 2016 leap second lasts");
  e.dispose();
});

test("UTC, JD UTC, JD TDB, offsets and sub-millisecond digits", async () => {
  const e = await lskEngine();
  const et = utcToEt(e, "2013-10-29T03:46:32.731567");
  assert.equal(utcToEt(e, "2013-10-29 03:46:32.731567+00:00"), et);
  assert.equal(utcToEt(e, "2013-10-29T00:46:32.731567-03:00"), et);
  assert.equal(utcToEt(e, "2013-10-29T03:46:32.731567Z"), et);
  // A JD near 2.46e6 resolves 4.7e-10 d (40 µs) in a double.
  assert.ok(Math.abs(jdUtcToEt(e, utcToJd("2013-10-29T03:46:32.731567")) - et) < JD_RESOLUTION_S);
  assert.ok(Math.abs(etToJdUtc(e, et) - utcToJd("2013-10-29T03:46:32.731567")) * 86400 < JD_RESOLUTION_S);
  assert.equal(parseTimeToEt(e, "2451545.0", "tdb"), 0);
  assert.equal(jdTdbToEt(2451546), 86400);
  assert.ok(Math.abs(parseTimeToEt(e, "JD 2456594.6578502096") - jdUtcToEt(e, 2456594.6578502096)) < 1e-9);
  e.dispose();
});

test("DES mid-exposure = start + (exptime + 1.05 s)/2; the legacy JD test vector", async () => {
  const e = await lskEngine();
  // legacy-orbit-trace.md §2.3: date_obs 2013-10-29 03:46:32.731567 UTC, exptime 90 → exact JD 2456594.657850192
  // (the legacy printed 2456594.6578502096, 1.6 ms off from its SPICE round trip).
  const mid = desMidExposure(e, "2013-10-29 03:46:32.731567+00:00", 90);
  assert.ok(Math.abs(mid.jdUtc - 2456594.657850192) * 86400 < 1e-4, `${mid.jdUtc}`);
  assert.ok(Math.abs(mid.jdUtc - 2456594.6578502096) * 86400 < PERIODIC_TERM_MAX_S);
  assert.ok(Math.abs(mid.etSeconds - (utcToEt(e, "2013-10-29T03:46:32.731567") + 45.525)) < 1e-9);
  // The legacy's et for its JD: 436290505.44059163 (SPICE utc2et of the JD string).
  assert.ok(Math.abs(jdUtcToEt(e, 2456594.6578502096) - 436290505.44059163) < 1e-4);
  assert.equal(desMidExposure(e, "2013-10-29T03:46:32", 90, 0).etSeconds - utcToEt(e, "2013-10-29T03:46:32"), 45);
  e.dispose();
});

test("malformed times are errors that quote the text", async () => {
  const e = await lskEngine();
  for (const bad of ["yesterday", "2017-02-30T00:00", "2017-06-22T25:00:00", "2017/06/22", ""]) {
    assert.throws(() => utcToEt(e, bad), (err: Error) => err instanceof TimeParseError && err.message.includes(`'${bad}'`), bad);
  }
  assert.throws(() => desMidExposure(e, "2013-10-29T03:46:32", -1), /exptime/);
  const bare = await SpiceEngine.create();
  assert.throws(() => utcToEt(bare, "2017-06-22T00:00:00"), /leap-second kernel/);
  bare.dispose();
  e.dispose();
});
