// The `tno ephemeris` command end to end (bin/tno.js), against SORA's geocentric Chariklo
// position (data/occultations/sora_chariklo_2017-06_geocentric_predictions.csv, 2017-06-22 event).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataPath, repoRoot } from "./helpers/data.js";

/** SORA prints RA to 1e-5 s (0.15 mas) and Dec to 1e-5″; same kernels, so the bar is 1 mas. */
const SORA_POSITION_TOLERANCE_MAS = 1;

function tno(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, "bin/tno.js"), ...args], { cwd: repoRoot, encoding: "utf8" });
}

const kernels = () =>
  [dataPath("kernels/naif0012.tls"), dataPath("spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp"), dataPath("spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp")].join(",");

test("tno ephemeris reproduces SORA's geocentric Chariklo position at the 2017-06-22 event", () => {
  const r = tno(["ephemeris", "--kernels", kernels(), "--target", "2010199", "--start", "2017-06-22 02:58:37.480", "--end", "2017-06-22 02:58:37.480", "--step", "60"]);
  assert.equal(r.status, 0, r.stderr);
  const [header, row] = r.stdout.trim().split("\n");
  assert.deepEqual(header!.split(",").slice(0, 5), ["time", "et", "ra_deg", "dec_deg", "distance_km"]);
  const cols = row!.split(",");
  const raDeg = Number(cols[2]);
  const decDeg = Number(cols[3]);
  // SORA: 18 55 26.31674 -31 31 20.74213
  const soraRa = (18 + 55 / 60 + 26.31674 / 3600) * 15;
  const soraDec = -(31 + 31 / 60 + 20.74213 / 3600);
  const dRaMas = (raDeg - soraRa) * Math.cos((soraDec * Math.PI) / 180) * 3.6e6;
  const dDecMas = (decDeg - soraDec) * 3.6e6;
  assert.ok(Math.abs(dRaMas) < SORA_POSITION_TOLERANCE_MAS, `ΔRA·cosδ ${dRaMas} mas`);
  assert.ok(Math.abs(dDecMas) < SORA_POSITION_TOLERANCE_MAS, `ΔDec ${dDecMas} mas`);
});

test("tno ephemeris: times file, JSON, topocentric W84; exit codes 2 for bad input and 1 for a failed run", () => {
  const dir = mkdtempSync(join(tmpdir(), "tno-cli-"));
  writeFileSync(join(dir, "times.txt"), "# DES-like epochs\n2017-06-22T02:58:37.480\n2457926.624\n");
  // A site needs the Earth's orientation: without a PCK the error names what to load.
  const noPck = tno(["ephemeris", "--kernels", kernels(), "--target", "2010199", "--times", join(dir, "times.txt"), "--observer", "W84"]);
  assert.equal(noPck.status, 1);
  assert.match(noPck.stderr, /earth_\*\.bpc.*pck00010\.tpc/);
  for (const [pck, frame] of [[dataPath("kernels/pck00010.tpc"), "IAU_EARTH"], [dataPath("kernels/earth_000101_210317_201224.bpc"), "ITRF93"]] as const) {
    const ok = tno(["ephemeris", "--kernels", `${kernels()},${pck}`, "--target", "2010199", "--times", join(dir, "times.txt"), "--observer", "W84", "--format", "json"]);
    assert.equal(ok.status, 0, ok.stderr);
    const json = JSON.parse(ok.stdout) as { rows: Array<{ ra_deg: number; earth_frame: string }> };
    assert.equal(json.rows.length, 2);
    assert.ok(json.rows.every((row) => row.earth_frame === frame && Number.isFinite(row.ra_deg)));
  }

  writeFileSync(join(dir, "bad.txt"), "2017-06-22T02:58:37\nnot a time\n");
  const badTime = tno(["ephemeris", "--kernels", kernels(), "--target", "2010199", "--times", join(dir, "bad.txt")]);
  assert.equal(badTime.status, 2);
  assert.match(badTime.stderr, /line 2: 'not a time' is not a time/);

  const missing = tno(["ephemeris", "--kernels", join(dir, "absent.bsp"), "--target", "2010199", "--start", "2017-06-22", "--end", "2017-06-23", "--step", "3600"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /absent\.bsp: file not found/);

  const unknown = tno(["ephemeris", "--kernels", kernels(), "--target", "Chariklo", "--start", "2017-06-22", "--end", "2017-06-23", "--step", "3600"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /'Chariklo' is not a name SPICE knows.*2010199/);

  const outside = tno(["ephemeris", "--kernels", kernels(), "--target", "2010199", "--start", "2019-01-01", "--end", "2019-01-02", "--step", "3600"]);
  assert.equal(outside.status, 1);
  assert.match(outside.stderr, /SPKINSUFFDATA.*body 2010199/);

  const version = tno(["--version"]);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);

  const usage = tno(["ephemeris", "--kernels", kernels()]);
  assert.equal(usage.status, 2);
  assert.match(tno(["ephemeris", "--help"]).stdout, /--observer <where>/);
});
