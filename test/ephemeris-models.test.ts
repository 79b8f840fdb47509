// Internal consistency of the ephemeris models, with CSPICE itself as the authority: our own
// light-time and stellar-aberration code must reproduce spkez from the geocentre, and a site's
// topocentric position must differ from the geocentric one by the analytic parallax.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SpiceEngine } from "../src/spice/index.js";
import { computeEphemeris, type Abcorr, parseObserver, observerItrfKm, CTIO_BLANCO } from "../src/ephemeris/index.js";
import { topocentricState } from "../src/ephemeris/compute.js";
import { utcToEt } from "../src/time/index.js";
import { dataPath } from "./helpers/data.js";

/** Our light-time loop vs CSPICE's (same kernels, same arithmetic up to iteration order). */
const SELF_CONSISTENCY_KM = 1e-3;
/** Legacy vs topocentric light time for a main-belt/TNO target: the model difference, documented in README. */
const MODEL_DIFFERENCE_MAX_MAS = 1;
const CERES = 20000001;

async function engine() {
  const e = await SpiceEngine.create();
  e.loadKernels([
    dataPath("kernels/naif0012.tls"),
    dataPath("kernels/pck00010.tpc"),
    dataPath("kernels/earth_000101_210317_201224.bpc"),
    dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"),
    dataPath("spk_smallbody/ceres_20000001_jpl48_1900-2100_kete.bsp"),
  ]);
  return e;
}

test("own light-time solution from the geocentre equals CSPICE spkez for LT, LT+S, CN, CN+S and NONE", async () => {
  const e = await engine();
  const et = utcToEt(e, "2015-06-01T03:00:00");
  for (const abcorr of ["NONE", "LT", "LT+S", "CN", "CN+S"] as Abcorr[]) {
    const own = new Float64Array(6);
    const lt = topocentricState(e, CERES, et, [0, 0, 0, 0, 0, 0], abcorr, own);
    const ref = e.raw.spkez(CERES, et, "J2000", abcorr, 399);
    const dKm = Math.hypot(own[0]! - ref.state[0]!, own[1]! - ref.state[1]!, own[2]! - ref.state[2]!);
    assert.ok(dKm < SELF_CONSISTENCY_KM, `${abcorr}: |Δr| ${dKm} km`);
    assert.ok(Math.abs(lt - ref.lt) < 1e-8, `${abcorr}: Δlt ${lt - ref.lt} s`);
    const dV = Math.hypot(own[3]! - ref.state[3]!, own[4]! - ref.state[4]!, own[5]! - ref.state[5]!);
    // With +S our velocity leaves out the rate of change of the aberration itself (~1e-4 relative).
    assert.ok(dV < (abcorr.endsWith("+S") ? 1e-2 : 1e-6), `${abcorr}: |Δv| ${dV} km/s`);
  }
  e.dispose();
});

test("topocentric minus geocentric direction equals the analytic parallax of the site vector", async () => {
  const e = await engine();
  const et = [utcToEt(e, "2015-06-01T03:00:00"), utcToEt(e, "2015-06-01T09:00:00")];
  const geo = computeEphemeris(e, { targetId: CERES, etSeconds: et, observer: { kind: "geocenter" } });
  const topo = computeEphemeris(e, { targetId: CERES, etSeconds: et, observer: CTIO_BLANCO, model: "legacy" });
  for (let i = 0; i < et.length; i++) {
    assert.equal(topo.earthFrame[i], "ITRF93");
    // Analytic: the site vector s displaces the direction by |s⊥|/Δ (small-angle), s⊥ = s - (s·û)û.
    const g = geo.positionKm.subarray(3 * i, 3 * i + 3);
    const t = topo.positionKm.subarray(3 * i, 3 * i + 3);
    const s = [g[0]! - t[0]!, g[1]! - t[1]!, g[2]! - t[2]!];
    const siteKm = Math.hypot(s[0]!, s[1]!, s[2]!);
    assert.ok(Math.abs(siteKm - Math.hypot(...observerItrfKm(CTIO_BLANCO))) < 1e-6, "site vector length is preserved by the rotation");
    const r = geo.distanceKm[i]!;
    const u = [g[0]! / r, g[1]! / r, g[2]! / r];
    const sDotU = s[0]! * u[0]! + s[1]! * u[1]! + s[2]! * u[2]!;
    const expectedRad = Math.sqrt(siteKm ** 2 - sDotU ** 2) / r;
    const cos = (geo.positionKm[3 * i]! * t[0]! + geo.positionKm[3 * i + 1]! * t[1]! + geo.positionKm[3 * i + 2]! * t[2]!) / (r * topo.distanceKm[i]!);
    const actualRad = Math.acos(Math.min(1, cos));
    assert.ok(Math.abs(actualRad - expectedRad) / expectedRad < 1e-3, `parallax ${actualRad} vs analytic ${expectedRad} rad`);
  }
  e.dispose();
});

test("legacy and topocentric light-time models differ by under 1 mas for Ceres from CTIO", async () => {
  const e = await engine();
  const et = Array.from({ length: 24 }, (_, k) => utcToEt(e, "2015-06-01T00:00:00") + k * 3600);
  const legacy = computeEphemeris(e, { targetId: CERES, etSeconds: et, observer: CTIO_BLANCO, model: "legacy" });
  const topo = computeEphemeris(e, { targetId: CERES, etSeconds: et, observer: CTIO_BLANCO, model: "topocentric" });
  let maxMas = 0;
  for (let i = 0; i < et.length; i++) {
    const dRa = (topo.raDeg[i]! - legacy.raDeg[i]!) * Math.cos((topo.decDeg[i]! * Math.PI) / 180);
    const dDec = topo.decDeg[i]! - legacy.decDeg[i]!;
    maxMas = Math.max(maxMas, Math.hypot(dRa, dDec) * 3.6e6);
  }
  assert.ok(maxMas > 0, "the models are distinct");
  assert.ok(maxMas < MODEL_DIFFERENCE_MAX_MAS, `max difference ${maxMas.toFixed(4)} mas`);
  e.dispose();
});

test("observers: geocenter, lon/lat/height and MPC codes; bad observers are named", () => {
  assert.deepEqual(parseObserver("geocenter"), { kind: "geocenter" });
  assert.deepEqual(parseObserver("289.193583333,-30.16958333,2202.7"), CTIO_BLANCO);
  const w84 = parseObserver("W84");
  // MPC parallax constants and the WGS84 geodetic position of the Blanco differ by < 50 m.
  const d = observerItrfKm(w84).map((v, k) => v - observerItrfKm(CTIO_BLANCO)[k]!);
  assert.ok(Math.hypot(...d) < 0.05, `W84 vs CTIO Blanco: ${Math.hypot(...d) * 1000} m`);
  assert.throws(() => parseObserver("XYZ"), /observer 'XYZ'/);
  assert.throws(() => parseObserver("10,95,0"), /latitude 95/);
});

test("an epoch outside the SPK coverage is a SpiceError naming the body and epoch; onError 'nan' keeps the rest", async () => {
  const e = await engine();
  const good = utcToEt(e, "2015-06-01T00:00:00");
  const bad = utcToEt(e, "2060-01-01T00:00:00");
  assert.throws(() => computeEphemeris(e, { targetId: CERES, etSeconds: [good, bad], observer: { kind: "geocenter" } }), (err: Error) => {
    assert.match(err.message, /SPKINSUFFDATA/);
    assert.match(err.message, /body 20000001/);
    return true;
  });
  const eph = computeEphemeris(e, { targetId: CERES, etSeconds: [good, bad], observer: { kind: "geocenter" }, onError: "nan" });
  assert.ok(Number.isFinite(eph.raDeg[0]!));
  assert.ok(Number.isNaN(eph.raDeg[1]!));
  assert.equal(eph.errors.length, 1);
  assert.equal(eph.errors[0]!.index, 1);
  // The instance stays usable after the error.
  assert.ok(Number.isFinite(computeEphemeris(e, { targetId: CERES, etSeconds: [good], observer: { kind: "geocenter" } }).raDeg[0]!));
  assert.throws(() => computeEphemeris(e, { targetId: 2999999, etSeconds: [good], observer: { kind: "geocenter" } }), /body 2999999/);
  e.dispose();
});
