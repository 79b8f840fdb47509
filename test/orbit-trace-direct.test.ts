import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeLdacCatalog } from "../src/catalog/des.js";
import { spawnSync } from "node:child_process";
import { computeEphemeris, MPC_SITES } from "../src/ephemeris/index.js";
import { desObsCsv, pandasUtc, pyFloat } from "../src/jobs/orbit-trace/consolidate.js";
import { parseCcdsCsv } from "../src/jobs/orbit-trace/ccds.js";
import { runDirectTrace } from "../src/jobs/orbit-trace/direct.js";
import { SpiceEngine } from "../src/spice/index.js";
import { desMidExposure } from "../src/time/index.js";
import { dataPath, repoRoot } from "./helpers/data.js";

function tno(args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "tno.js"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Authority: the pipeline must return exactly the O−C injected into synthetic catalogues
// (positions stored as float64 ALPHA/DELTA_J2000), so the tolerance is numerical only.
const OMC_TOLERANCE_MAS = 0.01;

const kernels = () => [
  dataPath("kernels/naif0012.tls"),
  dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"),
  dataPath("spk_smallbody/1999RB216_2137295_jpl18_2000-2030_linea.bsp"),
];

/** Five synthetic DES-like CCDs (times of real DES exposures of 1999 RB216, exptime 90 s). */
const CCDS = [
  { id: 1001, date_obs: "2013-09-10T08:53:33.242", exptime: 90, omc: [0.12, -0.07] },
  { id: 1002, date_obs: "2013-09-10 08:57:46.567+00:00", exptime: 90, omc: [-0.2, 0.05] },
  { id: 1003, date_obs: "2013-10-13T04:49:24.659Z", exptime: 90, omc: [0.0, 0.3] },
  { id: 1004, date_obs: "2013-10-13T04:53:31.000", exptime: 90, omc: null }, // object not detected
  { id: 1005, date_obs: "2013-10-13T04:57:31.000", exptime: 90, omc: "missing" }, // no catalogue file
] as const;

describe("orbit-trace direct mode (synthetic catalogues, real kernels)", () => {
  let dir: string;
  let engine: SpiceEngine;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ot-direct-"));
    engine = await SpiceEngine.create();
    engine.loadKernels([...kernels(), dataPath("kernels/pck00010.tpc")]);
    mkdirSync(join(dir, "cat", "exp"), { recursive: true });
    const lines = ["id;date_obs;exptime;path;filename"];
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const c of CCDS) {
      const file = `D${c.id}_r_c01_r1p01_red-fullcat.fits`;
      lines.push(`${c.id};${c.date_obs};${c.exptime};exp;${file}`);
      if (c.omc === "missing") continue;
      const mid = desMidExposure(engine, c.date_obs, c.exptime);
      const eph = computeEphemeris(engine, { targetId: 2137295, etSeconds: [mid.etSeconds], observer: { kind: "mpc", ...MPC_SITES.W84! } });
      const ra0 = eph.raDeg[0]!, dec0 = eph.decDeg[0]!;
      const ra: number[] = [], dec: number[] = [], mag: number[] = [], err: number[] = [];
      for (let i = 0; i < 3000; i++) {
        // Field stars, none within 3" of the prediction.
        let r: number, d: number;
        do {
          r = ra0 + (rnd() - 0.5) * 0.15;
          d = dec0 + (rnd() - 0.5) * 0.3;
        } while (Math.hypot((r - ra0) * Math.cos((dec0 * Math.PI) / 180), d - dec0) < 3 / 3600);
        ra.push(r), dec.push(d), mag.push(16 + rnd() * 8), err.push(0.01 + rnd() * 0.1);
      }
      if (c.omc) {
        ra.push(ra0 + c.omc[0] / 3600 / Math.cos((dec0 * Math.PI) / 180));
        dec.push(dec0 + c.omc[1] / 3600);
        mag.push(22.5), err.push(0.05);
      }
      writeLdacCatalog(join(dir, "cat", "exp", file), { raDeg: ra, decDeg: dec, magPsf: mag, magErrPsf: err, magType: "D" });
    }
    writeFileSync(join(dir, "ccds.csv"), `${lines.join("\r\n")}\r\n`);
  });
  after(() => {
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("matches the injected O−C, records the missing catalogue and keeps going", async () => {
    const r = await runDirectTrace({
      target: "2137295",
      name: "1999 RB216",
      asteroidId: 42,
      kernels: kernels(),
      ccdsFile: join(dir, "ccds.csv"),
      catalogRoot: join(dir, "cat"),
      observer: { kind: "mpc", ...MPC_SITES.W84! },
      matchRadiusArcsec: 2,
      outDir: join(dir, "out"),
    });
    assert.equal(r.status, "success");
    assert.equal(r.observations, 3);
    assert.equal(r.ccds, 5);
    assert.equal(r.ccdsFailed, 1);
    assert.match(r.error ?? "", /CCD 1005: .*file not found/);
    const text = readFileSync(r.desObsFile, "utf8").trimEnd().split("\n");
    assert.equal(text[0], "name;date_obs;date_jd;ra;dec;offset_ra;offset_dec;mag_psf;mag_psf_err;asteroid_id;ccd_id;created_at");
    assert.equal(text.length, 4);
    const rows = text.slice(1).map((l) => l.split(";"));
    CCDS.slice(0, 3).forEach((c, i) => {
      const row = rows[i]!;
      assert.equal(row[0], "1999 RB216");
      assert.equal(row[1], pandasUtc(c.date_obs));
      assert.equal(row[9], "42");
      assert.equal(row[10], String(c.id));
      const omc = c.omc as readonly [number, number];
      assert.ok(Math.abs(Number(row[5]) - omc[0]) < OMC_TOLERANCE_MAS / 1000, `RA O−C ${row[5]} vs ${omc[0]}`);
      assert.ok(Math.abs(Number(row[6]) - omc[1]) < OMC_TOLERANCE_MAS / 1000, `Dec O−C ${row[6]} vs ${omc[1]}`);
    });
    const ccds = JSON.parse(readFileSync(r.ccdsFile, "utf8")).ccds as Array<{ id: number; info?: string; error?: string; date_jd: number }>;
    assert.equal(ccds.find((c) => c.id === 1004)?.info, "Could not find a position.");
    assert.match(ccds.find((c) => c.id === 1005)?.error ?? "", /Failed in match position stage/);
    // Mid-exposure = start + (90 + 1.05)/2 s (legacy-orbit-trace.md §2.3).
    const jd0 = ccds[0]!.date_jd;
    assert.ok(Math.abs(jd0 - (2456545.5 + (8 * 3600 + 53 * 60 + 33.242 + 45.525) / 86400)) < 1e-9);
  });

  it("the CLI writes the same des_obs.csv and exits 0; bad inputs exit 2", () => {
    const args = ["orbit-trace", "--target", "1999 RB216", "--kernels", kernels().join(","), "--ccds", join(dir, "ccds.csv"), "--catalog-root", join(dir, "cat"), "--observer", "W84", "--match-radius", "2", "--out", join(dir, "cli")];
    const ok = tno(args);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /success: 3 observation\(s\) on 5 CCD\(s\) of target 2137295, 1 CCD\(s\) failed/);
    const lines = readFileSync(join(dir, "cli", "des_obs.csv"), "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[1]!.split(";")[0], "1999 RB216");
    const noSpk = tno([...args.slice(0, 4), dataPath("kernels/naif0012.tls"), ...args.slice(5)]);
    assert.equal(noSpk.status, 2);
    assert.match(noSpk.stderr, /no small-body SPK/);
    const missing = tno(["orbit-trace", "--target", "2137295", "--kernels", kernels().join(",").replace("linea.bsp", "nope.bsp"), ...args.slice(5)]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.bsp: file not found/);
    const both = tno(["orbit-trace", dir, ...args.slice(1)]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /not both/);
  });

  it("ccds.csv errors list every bad row and column", () => {
    const text = "id;date_obs;exptime;path;filename\n1;2013-09-10T08:53:33;90;p;f.fits\nx;2013-13-40;-1;p;\n1;2013-09-10T08:53:33;90;p;g.fits\n";
    assert.throws(
      () => parseCcdsCsv(text, "ccds.csv"),
      (e: Error) =>
        /ccds\.csv: 5 bad value/.test(e.message) &&
        /line 3, column id \("x"\)/.test(e.message) &&
        /line 3, column date_obs/.test(e.message) &&
        /line 3, column exptime/.test(e.message) &&
        /line 3, column filename/.test(e.message) &&
        /line 4, column id \(1\): CCD already given on line 2/.test(e.message),
    );
    assert.throws(() => parseCcdsCsv("id,date_obs\n", "c.csv"), /missing column\(s\) exptime, path, filename/);
  });

  it("formats like pandas (Python float repr, tz-aware timestamps)", () => {
    assert.equal(pyFloat(2), "2.0");
    assert.equal(pyFloat(1e-5), "1e-05");
    assert.equal(pyFloat(0.1), "0.1");
    assert.equal(pyFloat(2456594.6578502096), "2456594.6578502096");
    assert.equal(pyFloat(1.5e16), "1.5e+16");
    assert.equal(pandasUtc("2013-10-29T03:46:32.731567"), "2013-10-29 03:46:32.731567+00:00");
    const csv = desObsCsv([{ name: "a;b", dateObs: "2013-10-29T03:46:32.7", dateJd: 2456594.5, raDeg: 1, decDeg: -2.5, offsetRaArcsec: 0.25, offsetDecArcsec: null, magPsf: null, magPsfErr: 0.01, ccdId: 5 }], 7, new Date("2022-04-12T18:29:19.792Z"));
    assert.equal(csv.split("\n")[1], '"a;b";2013-10-29 03:46:32.700000+00:00;2456594.5;1.0;-2.5;0.25;;;0.01;7;5;2022-04-12 18:29:19.792000+00:00');
  });
});
