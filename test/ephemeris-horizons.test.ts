// Ceres (JPL#48 SPK) against genuine JPL Horizons tables (data/horizons/astroquery_ceres/README
// lists the exact queries). Horizons uses DE441 and prints RA/Dec to 1e-5 deg (36 mas, so
// rounding alone reaches 18 mas); we use the DE430 excerpt for 2022.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SpiceEngine } from "../src/spice/index.js";
import { computeEphemeris, skyRatesArcsecPerHour } from "../src/ephemeris/index.js";
import { jdTdbToEt, jdUtcToEt } from "../src/time/index.js";
import { dataPath, repoRoot } from "./helpers/data.js";

/** Per-coordinate tolerance against the OBSERVER table (issue #2: 20 mas). */
const RADEC_TOLERANCE_MAS = 20;
/** Heliocentric position against the VECTOR table. */
const VECTOR_TOLERANCE_KM = 2;
/** Sky-plane rates: Horizons prints 1e-5 "/h; apparent vs astrometric rates differ by ~1e-4 relative. */
const RATE_TOLERANCE_ARCSEC_PER_H = 0.02;
const AU_KM = 149597870.7;
const CERES = 20000001;

function soeRows(file: string): string[][] {
  const text = readFileSync(file, "utf8");
  const body = text.slice(text.indexOf("$$SOE") + 5, text.indexOf("$$EOE"));
  return body.trim().split("\n").map((l) => l.split(",").map((c) => c.trim()));
}

async function ceresEngine() {
  const engine = await SpiceEngine.create();
  engine.loadKernels([
    dataPath("kernels/naif0012.tls"),
    dataPath("spk_planetary/de430_2019-12-31_2030-01-03_kuxaku.bsp"),
    dataPath("spk_smallbody/ceres_20000001_jpl48_1900-2100_kete.bsp"),
  ]);
  return engine;
}

test("Ceres geocentric astrometric RA/Dec and rates match the Horizons OBSERVER table (2022)", async (t) => {
  let worstMas = 0;
  let worstRate = 0;
  const engine = await ceresEngine();
  const rows = soeRows(dataPath("horizons/astroquery_ceres/ceres_ephemerides_range.txt"));
  assert.equal(rows.length, 4);
  const et = rows.map((r) => jdUtcToEt(engine, Number(r[1])));
  const eph = computeEphemeris(engine, { targetId: CERES, etSeconds: et, observer: { kind: "geocenter" }, abcorr: "LT" });
  engine.loadKernel(`${repoRoot}/test/fixtures/earth_true_of_date.tf`);
  rows.forEach((r, i) => {
    // Horizons' rates are of the apparent (true-of-date) coordinates: rotate our J2000 state.
    const m = engine.raw.pxform("J2000", "EARTH_TRUE_OF_DATE", et[i]!) as unknown as number[];
    const rot = (v: ArrayLike<number>) => [0, 3, 6].map((k) => m[k]! * v[0]! + m[k + 1]! * v[1]! + m[k + 2]! * v[2]!) as [number, number, number];
    const [x, y, z] = rot(eph.positionKm.subarray(3 * i, 3 * i + 3));
    const [vx, vy, vz] = rot(eph.velocityKmS.subarray(3 * i, 3 * i + 3));
    const rates = skyRatesArcsecPerHour(x, y, z, vx, vy, vz);
    const dRaMas = (eph.raDeg[i]! - Number(r[4])) * 3.6e6 * Math.cos((Number(r[5]) * Math.PI) / 180);
    const dDecMas = (eph.decDeg[i]! - Number(r[5])) * 3.6e6;
    assert.ok(Math.abs(dRaMas) < RADEC_TOLERANCE_MAS, `${r[0]}: ΔRA·cosδ ${dRaMas.toFixed(1)} mas`);
    assert.ok(Math.abs(dDecMas) < RADEC_TOLERANCE_MAS, `${r[0]}: ΔDec ${dDecMas.toFixed(1)} mas`);
    worstMas = Math.max(worstMas, Math.abs(dRaMas), Math.abs(dDecMas));
    worstRate = Math.max(worstRate, Math.abs(rates.raRate - Number(r[8])), Math.abs(rates.decRate - Number(r[9])));
    assert.ok(Math.abs(rates.raRate - Number(r[8])) < RATE_TOLERANCE_ARCSEC_PER_H, `${r[0]}: dRA*cosD ${rates.raRate} vs ${r[8]}`);
    assert.ok(Math.abs(rates.decRate - Number(r[9])) < RATE_TOLERANCE_ARCSEC_PER_H, `${r[0]}: dDec/dt ${rates.decRate} vs ${r[9]}`);
  });
  t.diagnostic(`worst coordinate difference ${worstMas.toFixed(1)} mas; worst rate difference ${worstRate.toFixed(4)}"/h`);
  engine.dispose();
});

test("Ceres heliocentric ecliptic vectors match the Horizons VECTOR table within 2 km", async (t) => {
  let worstKm = 0;
  const engine = await ceresEngine();
  const rows = soeRows(dataPath("horizons/astroquery_ceres/ceres_vectors_range.txt"));
  for (const r of rows) {
    const et = jdTdbToEt(Number(r[0]));
    const { pos } = engine.raw.spkgps(CERES, et, "ECLIPJ2000", 10);
    const dKm = Math.hypot(pos[0]! - Number(r[2]) * AU_KM, pos[1]! - Number(r[3]) * AU_KM, pos[2]! - Number(r[4]) * AU_KM);
    assert.ok(dKm < VECTOR_TOLERANCE_KM, `${r[1]}: |Δr| = ${dKm.toFixed(3)} km`);
    worstKm = Math.max(worstKm, dKm);
  }
  t.diagnostic(`worst |Δr| ${worstKm.toFixed(3)} km`);
  engine.dispose();
});
